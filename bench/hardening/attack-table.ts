/**
 * The hardening bench's table: per attack, the calm room's relay p50/p99
 * right before and during the attack (medians over repetitions), the p99
 * ratio against the #12 target of 2×, what the calm room lost, and the CPU
 * the lobby and the rest of the machine used.
 */
import { type BenchTable, formatNumber, median } from '../harness.js';
import type { AttackSample } from './measure-attack.js';

/** #12: a calm room's relay p99 stays within this many times its baseline during every attack. */
export const RATIO_TARGET = 2;

/** Every measurement of one attack. */
export interface AttackResult {
  name: string;
  /** What one round of the attack is. */
  round: string;
  samples: AttackSample[];
}

const ratioOf = (sample: AttackSample): number => sample.during.p99 / sample.baseline.p99;

/**
 * `meets 2×` when every repetition did; `meets 2× in median` when the
 * median ratio did and some repetitions did not (on a shared machine one
 * preempted repetition decides its p99: the control row shows how often
 * that happens with no attack at all); `MISSES 2×` when the median did not.
 */
function verdict(samples: readonly AttackSample[]): string {
  const over = samples.filter((sample) => ratioOf(sample) > RATIO_TARGET).length;
  if (over === 0) return `meets ${RATIO_TARGET}×`;
  const some = `${over} of ${samples.length} repetitions over`;
  return median(samples.map(ratioOf)) <= RATIO_TARGET
    ? `meets ${RATIO_TARGET}× in median (${some})`
    : `MISSES ${RATIO_TARGET}× (${some})`;
}

/** What the attacker got, per repetition: `outcome n` for every outcome, `;` between repetitions. */
function tallies(result: AttackResult): string {
  return result.samples
    .map((sample) =>
      Object.entries(sample.tally)
        .map(([outcome, n]) => `${outcome} ${formatNumber(n)}`)
        .join(', '),
    )
    .join('; ');
}

/** The table, with `notes` (method, pinning, machine) under it. */
export function attackTable(title: string, results: readonly AttackResult[], notes: string[]): BenchTable {
  const rows = results.map((result) => {
    const { samples } = result;
    const mid = (pick: (sample: AttackSample) => number): number => median(samples.map(pick));
    return {
      name: `${result.name} — ${verdict(samples)}`,
      values: {
        'baseline p50 ms': mid((s) => s.baseline.p50),
        'baseline p99 ms': mid((s) => s.baseline.p99),
        'attack p50 ms': mid((s) => s.during.p50),
        'attack p99 ms': mid((s) => s.during.p99),
        'p99 ratio': mid(ratioOf),
        'p99 ratio max': Math.max(...samples.map(ratioOf)),
        lost: samples.reduce((sum, s) => sum + s.during.sent - s.during.echoed, 0),
        'lobby CPU % before': mid((s) => s.baselineCpu.lobby),
        'lobby CPU % during': mid((s) => s.attackCpu.lobby),
        'other CPU %': mid((s) => s.attackCpu.other),
        'attempts/s': mid((s) => s.attemptsPerSecond),
      },
    };
  });
  return {
    title,
    rowHeader: 'attack',
    baseline: undefined,
    ratioOf: 'p99 ratio',
    higherIsBetter: false,
    rows,
    notes: [
      ...notes,
      ...results.map(
        (result) =>
          `${result.name}: one round = ${result.round}. What the lobby answered, per repetition: ${tallies(result)}.`,
      ),
    ],
  };
}
