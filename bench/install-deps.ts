/**
 * `node --import tsx bench/install-deps.ts`: installs the benchmark-only
 * dependencies (Colyseus 0.18, the relay bench's third contender) into
 * bench/deps, a separate npm project with its own lockfile, and makes them
 * resolvable from packages/lobby/bench through a `node_modules/@colyseus`
 * link. They are not workspace dependencies because Colyseus declares
 * Node >= 22 and would make every plain `npm install` warn on Node 20.
 *
 * Idempotent and quiet when nothing changed: `npm run bench` and
 * `npm run typecheck` run it first.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const depsDir = join(root, 'bench', 'deps');
const stampFile = join(depsDir, 'node_modules', '.handoff-bench-deps');
/** Where the bench sources that import these packages live, and the scopes they import. */
const consumers = [{ dir: join(root, 'packages', 'lobby', 'bench'), scopes: ['@colyseus'] }];

function lockHash(): string {
  return createHash('sha256')
    .update(readFileSync(join(depsDir, 'package.json')))
    .update(readFileSync(join(depsDir, 'package-lock.json')))
    .digest('hex');
}

function readStamp(): string | undefined {
  try {
    return readFileSync(stampFile, 'utf8').trim();
  } catch {
    return undefined;
  }
}

const wanted = lockHash();
if (readStamp() !== wanted) {
  process.stderr.write('bench: installing benchmark-only dependencies (Colyseus) into bench/deps\n');
  // Colyseus declares Node >= 22; it runs the bench on Node 20 too, so its
  // engine warnings are noise here: log level error.
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: depsDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  writeFileSync(stampFile, `${wanted}\n`);
}

for (const { dir, scopes } of consumers) {
  for (const scope of scopes) {
    const link = join(dir, 'node_modules', scope);
    const target = relative(dirname(link), join(depsDir, 'node_modules', scope));
    let current: string | undefined;
    try {
      current = lstatSync(link).isSymbolicLink() ? readlinkSync(link) : 'not a link';
    } catch {
      current = undefined;
    }
    if (current === target) continue;
    if (current !== undefined) rmSync(link, { recursive: true, force: true });
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link, 'dir');
  }
}
