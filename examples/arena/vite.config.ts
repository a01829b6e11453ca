import { defineConfig } from 'vite';

/**
 * The arena page. The SDK is bundled from its sources (`handoff-source`
 * condition) with the browser's own WebSocket and RTCPeerConnection
 * (`browser` condition of its `#websocket` / `#webrtc` imports), so no
 * package build is needed. `npm run dev` style use: `npx vite examples/arena`
 * with a lobby on :8080 (proxied at /lobby).
 */
export default defineConfig({
  resolve: { conditions: ['handoff-source', 'browser', 'module', 'development|production'] },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 1024 },
  server: { proxy: { '/lobby': { target: 'ws://localhost:8080', ws: true } } },
});
