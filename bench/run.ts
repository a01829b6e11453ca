/**
 * `npm run bench [-- --quick] [-- --filter name]`: runs every benchmark suite
 * (`packages/<pkg>/bench/*.bench.ts` and `bench/*.bench.ts`) in one process
 * and prints Markdown tables whose ratio column compares each contender with
 * the baseline measured in the same run. A full run also writes
 * bench/RESULTS.md. `--quick` only proves the suites still run (used in CI).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchSuite, renderTable } from './harness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');
const filterIndex = process.argv.indexOf('--filter');
const filter = filterIndex > 0 ? process.argv[filterIndex + 1] : undefined;

function suiteFiles(): string[] {
  const files: string[] = [];
  const packages = join(root, 'packages');
  for (const pkg of readdirSync(packages)) {
    const dir = join(packages, pkg, 'bench');
    try {
      for (const file of readdirSync(dir)) if (file.endsWith('.bench.ts')) files.push(join(dir, file));
    } catch {
      // A package without benchmarks.
    }
  }
  for (const file of readdirSync(join(root, 'bench'))) {
    if (file.endsWith('.bench.ts')) files.push(join(root, 'bench', file));
  }
  return files.filter((file) => filter === undefined || file.includes(filter)).sort();
}

/** Installed version of a package (workspace, or bench-only in bench/deps), or `?`. */
function versionOf(name: string): string {
  for (const modules of [join(root, 'node_modules'), join(root, 'bench', 'deps', 'node_modules')]) {
    try {
      const manifest = JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8')) as {
        version?: string;
      };
      return manifest.version ?? '?';
    } catch {
      // Not installed here.
    }
  }
  return '?';
}

const COMPARED = [
  'ws',
  '@colyseus/core',
  '@colyseus/ws-transport',
  '@colyseus/sdk',
  'node-datachannel',
  'msgpackr',
  '@msgpack/msgpack',
];

const header = [
  `# Handoff benchmarks${quick ? ' (quick run: numbers are not meaningful)' : ''}`,
  '',
  `${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${platform()} ${arch()} · ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
  '',
  `Versions: handoff ${versionOf('@handoff/protocol')} · ${COMPARED.map((name) => `${name} ${versionOf(name)}`).join(' · ')}`,
  '',
  'Each table measures its contenders side by side in one run; compare the ratio column, not absolute numbers.',
];
const sections: string[] = [header.join('\n')];
// Charts are written (and linked from RESULTS.md) only by a full run.
const writeCharts = !quick && filter === undefined;
const chartsDir = join(root, 'bench', 'charts');
console.log(`${sections[0]}\n`);
const failed: string[] = [];
for (const file of suiteFiles()) {
  const started = performance.now();
  let tables: Awaited<ReturnType<BenchSuite>>;
  try {
    const suite = (await import(pathToFileURL(file).href)) as { default: BenchSuite };
    tables = await suite.default({ quick });
  } catch (error) {
    // One broken suite must not lose the others' results: report it, go on, exit 1 at the end.
    const took = ((performance.now() - started) / 1000).toFixed(1);
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    failed.push(relative(root, file));
    const section = `## ${relative(root, file)} (FAILED after ${took} s)\n\n\`\`\`\n${message}\n\`\`\``;
    sections.push(section);
    console.error(`${section}\n`);
    continue;
  }
  const took = ((performance.now() - started) / 1000).toFixed(1);
  const rendered = tables.map((table) => {
    const charts = table.charts ?? [];
    if (writeCharts) {
      mkdirSync(chartsDir, { recursive: true });
      for (const chart of charts) writeFileSync(join(chartsDir, chart.file), chart.svg);
    }
    const links = writeCharts ? charts.map((chart) => `![${chart.title}](charts/${chart.file})`) : [];
    return [renderTable(table), ...links].join('\n\n');
  });
  const section = [`## ${relative(root, file)} (${took} s)`, ...rendered].join('\n\n');
  sections.push(section);
  console.log(`${section}\n`);
}
if (!quick && filter === undefined) {
  writeFileSync(join(root, 'bench', 'RESULTS.md'), `${sections.join('\n\n')}\n`);
  console.log('Wrote bench/RESULTS.md');
}

// A suite that left a socket or peer connection open would keep the process
// alive: say so (it is a bug to fix) and exit anyway, so the run terminates.
// stdout/stderr pipes, the TTY and pending file writes are ours, not leaks.
// A handle whose close already ran stays listed until libuv's close callback
// on a later loop turn, so give closes in flight up to a second first.
const benign = new Set(['TTYWrap', 'PipeWrap', 'Timeout', 'FSReqCallback']);
const open = (): string[] => process.getActiveResourcesInfo().filter((kind) => !benign.has(kind));
for (let waited = 0; open().length > 0 && waited < 1000; waited += 20) {
  await new Promise((resolve) => setTimeout(resolve, 20));
}
const leftovers = open();
if (leftovers.length > 0) console.warn(`bench: resources still open at exit: ${leftovers.join(', ')}`);
if (failed.length > 0) console.error(`bench: ${failed.length} suite(s) failed: ${failed.join(', ')}`);
process.exit(failed.length > 0 ? 1 : 0);
