import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('../../packages/transport/src/index.ts', import.meta.url));

/**
 * @handoff/transport must work under a bundler: for the browser, nothing
 * reaches Node built-ins, `ws` or node-datachannel (the `browser` condition
 * of `#websocket` and `#webrtc` picks the browser's own implementations).
 */
describe('browser build of @handoff/transport', () => {
  it('bundles for the browser without Node built-ins, ws or node-datachannel', async () => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      conditions: ['handoff-source', 'browser'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes('lobby-client/websocket-browser.ts'))).toBe(true);
    expect(inputs.some((input) => input.includes('direct/webrtc-browser.ts'))).toBe(true);
    const forbidden = inputs.filter((input) =>
      /node_modules\/(ws|node-datachannel)\/|websocket-node|webrtc-node|^node:/.test(input),
    );
    expect(forbidden).toEqual([]);
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/from\s+["']node:/);
    expect(code.length).toBeGreaterThan(10_000);
    console.log(
      `browser bundle: ${(code.length / 1024).toFixed(0)} KiB unminified, ${inputs.length} modules`,
    );
  });
});
