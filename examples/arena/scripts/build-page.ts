import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** The arena's folder (where `index.html` and `vite.config.ts` are). */
export const ARENA_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where `npm run demo` puts the built page. */
export const DEFAULT_DIST = fileURLToPath(new URL('../dist', import.meta.url));

/** Builds the browser page with Vite (the SDK from its sources: no package build needed). */
export async function buildPage(outDir: string = DEFAULT_DIST): Promise<string> {
  await build({
    root: ARENA_ROOT,
    configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}
