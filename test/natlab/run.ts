/**
 * The NAT lab (`npm run test:nat`): runs every scenario of `scenarios.ts` in
 * its own set of network namespaces, prints the results, writes
 * `docs/nat-matrix.md`, and exits 1 if any scenario broke its promise.
 * Needs root and `ip netns`; otherwise it prints why and skips (exit 0,
 * nothing claimed). For development, `--only <id>[,<id>]` runs a subset and
 * `--repeat <n>` runs the selection n times (both leave the matrix alone);
 * `--rtc-log <dir>` keeps each player's output with libdatachannel's debug log.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { installCleanupHandlers } from './cleanup.js';
import { removeStaleNamespaces, scenarioPrefix } from './lab-names.js';
import { type MatrixRow, percentile, renderMatrix } from './matrix.js';
import { TURN_TARGET_MS } from './plays.js';
import { preflight } from './preflight.js';
import { runScenario, type ScenarioResult } from './run-scenario.js';
import { SCENARIOS } from './scenarios.js';
import { collectVersions } from './versions.js';

/** Target of the issue: p90 time to direct. */
const TARGET_P90_MS = 1000;

const cwd = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: { only: { type: 'string' }, repeat: { type: 'string' }, 'rtc-log': { type: 'string' } },
});
const logDir = values['rtc-log'] === undefined ? undefined : resolve(values['rtc-log']);
if (logDir !== undefined) mkdirSync(logDir, { recursive: true });
const only = values.only?.split(',');
const repeat = Number(values.repeat ?? 1);
const chosen = only === undefined ? SCENARIOS : SCENARIOS.filter((scenario) => only.includes(scenario.id));
const selected = Array.from({ length: repeat }, () => chosen).flat();
if (selected.length === 0 || !Number.isInteger(repeat) || repeat < 1) {
  process.stderr.write(
    `natlab: no scenario matches --only ${values.only}; ids: ${SCENARIOS.map((s) => s.id).join(', ')}\n`,
  );
  process.exit(2);
}

const check = await preflight(`${scenarioPrefix(0)}probe`);
if (!check.ok) {
  process.stdout.write(`natlab: SKIPPED: ${check.reason}\n`);
  process.exit(0);
}
installCleanupHandlers();
const stale = await removeStaleNamespaces();
if (stale.length > 0)
  process.stdout.write(`natlab: removed ${stale.length} stale namespaces (${stale.join(', ')})\n`);

const started = performance.now();
const results: ScenarioResult[] = [];
for (const [index, scenario] of selected.entries()) {
  process.stdout.write(`natlab: ${scenario.title} …\n`);
  const result = await runScenario(scenario, index, cwd, logDir);
  results.push(result);
  const verdict = result.passed ? 'pass' : 'FAIL';
  const measured = Object.entries(result.measurements).map(
    ([name, values]) => `${name}: ${values.join(', ')}`,
  );
  process.stdout.write(
    `natlab:   ${verdict} in ${(result.durationMs / 1000).toFixed(1)} s; paths ${result.pairs.map((pair) => pair.paths.join('/')).join(', ')}` +
      `; time to direct ${result.pairs.map((pair) => pair.timeToDirectMs ?? '—').join(', ')} ms` +
      `${measured.length > 0 ? `; ${measured.join('; ')}` : ''}\n`,
  );
  for (const pair of result.scenario.lateness === true ? result.pairs : []) {
    const delay = pair.positionDelayMs;
    const share = pair.positionsSent === 0 ? 0 : (100 * pair.positionsReceived) / pair.positionsSent;
    process.stdout.write(
      `natlab:   position delay p50 ${delay?.p50 ?? '—'} ms, p99 ${delay?.p99 ?? '—'} ms, max ${delay?.max ?? '—'} ms; ` +
        `delivered ${share.toFixed(1)}%\n`,
    );
  }
  for (const note of result.notes) process.stdout.write(`natlab:   ${note}\n`);
  for (const failure of result.failures) process.stdout.write(`natlab:   ✗ ${failure}\n`);
}
const totalMs = performance.now() - started;

const samples = results
  .filter((result) => result.scenario.timedDirect)
  .flatMap((result) =>
    result.pairs.flatMap((pair) => (pair.timeToDirectMs === undefined ? [] : [pair.timeToDirectMs])),
  );
const rows: MatrixRow[] = results.map((result) => ({
  id: result.scenario.id,
  title: result.scenario.title,
  promise: result.scenario.promise,
  stun: result.stun,
  passed: result.passed,
  pairs: result.pairs,
  measurements: result.measurements,
  notes: result.notes,
  failures: result.failures,
  durationMs: result.durationMs,
  ...(result.scenario.lateness === true ? { lateness: true } : {}),
}));
const turnSamples = results.flatMap(
  (result) => result.measurements['room formed → every pair on turn (ms)'] ?? [],
);
const failed = results.filter((result) => !result.passed);
const p90 = samples.length > 0 ? percentile(samples, 90) : undefined;
process.stdout.write(
  `\nnatlab: ${results.length - failed.length}/${results.length} scenarios passed in ${(totalMs / 1000).toFixed(1)} s` +
    `${p90 === undefined ? '' : `; time to direct p50 ${percentile(samples, 50)} ms, p90 ${p90} ms (target ≤ ${TARGET_P90_MS})`}` +
    `${turnSamples.length === 0 ? '' : `; time to TURN p50 ${percentile(turnSamples, 50)} ms, p90 ${percentile(turnSamples, 90)} ms (target ≤ ${TURN_TARGET_MS})`}\n`,
);
if (only === undefined && repeat === 1) {
  const matrix = renderMatrix(rows, {
    date: new Date().toISOString().slice(0, 10),
    versions: await collectVersions(cwd),
    totalMs,
    timeToDirectSamples: samples,
    targetP90Ms: TARGET_P90_MS,
    timeToTurnSamples: turnSamples,
    turnTargetP90Ms: TURN_TARGET_MS,
  });
  writeFileSync(new URL('docs/nat-matrix.md', `file://${cwd}`), matrix);
  process.stdout.write('natlab: wrote docs/nat-matrix.md\n');
}
process.exit(failed.length > 0 ? 1 : 0);
