// Bundles msgpackr's Packr (its pure-JavaScript build, the one browsers get)
// into dist/vendor/msgpackr.js, replacing tsc's re-export of the `msgpackr`
// package: the published @handoff/protocol then has no runtime dependency.
// Run after `tsc -b` (see package.json `build` and `prepack`).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'vendor');
const require = createRequire(import.meta.url);
// msgpackr's exports hide its package.json: walk up from its entry point.
let packageDir = dirname(require.resolve('msgpackr'));
while (!existsSync(join(packageDir, 'LICENSE'))) packageDir = dirname(packageDir);
const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const license = readFileSync(join(packageDir, 'LICENSE'), 'utf8').trim();

await build({
  stdin: { contents: "export { Packr } from 'msgpackr/pack';", resolveDir: here, loader: 'js' },
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  conditions: ['browser', 'import'],
  minify: true,
  legalComments: 'none',
  target: 'es2022',
  banner: {
    js: `/*! msgpackr ${version} (pure JavaScript build, bundled) | ${license.split('\n').join(' ')} */`,
  },
  outfile: join(out, 'msgpackr.js'),
  logLevel: 'warning',
});

// The bundled module's types, self-contained (no import of 'msgpackr').
writeFileSync(
  join(out, 'msgpackr.d.ts'),
  `/** msgpackr ${version}'s Packr, bundled (see src/vendor/msgpackr.ts). */
export declare class Packr {
  constructor(options?: Record<string, unknown>);
  pack(value: unknown): Uint8Array;
  unpack(bytes: Uint8Array): unknown;
}
`,
);
console.log(`vendored msgpackr ${version} into dist/vendor/msgpackr.js`);
