import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

// Tests run against src/ without a prior build: the package names resolve to their sources.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@handoff\/protocol\/lobby$/, replacement: src('./packages/protocol/src/lobby/index.ts') },
      { find: /^@handoff\/protocol\/stun$/, replacement: src('./packages/protocol/src/stun/index.ts') },
      { find: /^@handoff\/transport$/, replacement: src('./packages/transport/src/index.ts') },
      { find: /^#webrtc$/, replacement: src('./packages/transport/src/direct/webrtc-node.ts') },
      { find: /^#websocket$/, replacement: src('./packages/transport/src/lobby-client/websocket-node.ts') },
      { find: /^@handoff\/lobby$/, replacement: src('./packages/lobby/src/index.ts') },
      { find: /^@handoff\/protocol\/testing$/, replacement: src('./packages/protocol/src/testing/index.ts') },
      { find: /^@handoff\/protocol$/, replacement: src('./packages/protocol/src/index.ts') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
