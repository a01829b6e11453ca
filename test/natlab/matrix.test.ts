import { describe, expect, it } from 'vitest';
import { type MatrixRow, percentile, renderMatrix } from './matrix.js';
import { lossRule, natRules } from './nat-rules.js';

const row = (change: Partial<MatrixRow>): MatrixRow => ({
  id: 'easy-easy',
  title: 'easy × easy',
  promise: 'direct',
  stun: 'lobby',
  passed: true,
  pairs: [
    {
      players: ['a', 'b'],
      paths: ['direct', 'direct'],
      timeToDirectMs: 150,
      chatSent: 20,
      chatReceived: 20,
      positionsSent: 40,
      positionsReceived: 39,
      positionDelayMs: { p50: 2, p99: 6, max: 9 },
    },
  ],
  measurements: {},
  notes: [],
  failures: [],
  durationMs: 5000,
  ...change,
});

describe('renderMatrix', () => {
  it('renders one table row per scenario, the percentiles, and failures', () => {
    const text = renderMatrix(
      [row({}), row({ id: 'x', title: 'x | y', passed: false, failures: ['broke'] })],
      {
        date: '2026-01-01',
        versions: { Node: 'v20' },
        totalMs: 60_000,
        timeToDirectSamples: [100, 200, 1200],
        targetP90Ms: 1000,
      },
    );
    expect(text).toContain('| easy × easy | direct | direct | 150 ms | 20 / 20 | 40 / 39 | lobby | pass |');
    expect(text).toContain('| x \\| y |');
    expect(text).toContain('**FAIL**');
    expect(text).toContain('p50 200 ms, p90 1200 ms');
    expect(text).toContain('**missed**');
    expect(text).toContain('  - FAILED: broke');
    expect(text).toContain('Run: 2026-01-01, whole lab 60.0 s.');
  });

  it('renders the time to TURN and the lateness table, with ratios against the relay row', () => {
    const lossy = (path: 'relay' | 'turn', p99: number, cpu: number): MatrixRow =>
      row({
        id: `loss5-${path}`,
        title: `lossy ${path}`,
        lateness: true,
        pairs: [
          {
            players: ['a', 'b'],
            paths: [path, path],
            timeToDirectMs: undefined,
            chatSent: 10,
            chatReceived: 10,
            positionsSent: 100,
            positionsReceived: 95,
            positionDelayMs: { p50: 1, p99, max: p99 * 2 },
          },
        ],
        measurements: { 'lobby CPU while playing (ms per s)': [cpu] },
      });
    const text = renderMatrix([lossy('relay', 240, 8), lossy('turn', 12, 2)], {
      date: '2026-01-01',
      versions: {},
      totalMs: 1000,
      timeToDirectSamples: [],
      targetP90Ms: 1000,
      timeToTurnSamples: [300, 400, 900],
      turnTargetP90Ms: 1000,
    });
    expect(text).toContain('p50 400 ms, p90 900 ms, max 900 ms — target p90 ≤ 1000 ms: met.');
    expect(text).toContain('| lossy relay | relay | 95.0% | 1 ms | 240 ms | 480 ms | 8.0 | 1.00× | 1.00× |');
    expect(text).toContain('| lossy turn | turn | 95.0% | 1 ms | 12 ms | 24 ms | 2.0 | 0.05× | 0.25× |');
  });

  it('nearest-rank percentiles', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });
});

describe('natRules', () => {
  it('gives each NAT kind its behaviour', () => {
    const flat = (kind: Parameters<typeof natRules>[0]): string =>
      natRules(kind, ['10.1.0.10'])
        .map((rule) => rule.join(' '))
        .join('\n');
    expect(flat('hard')).toContain('MASQUERADE --random-fully');
    expect(flat('easy')).toContain('-A INPUT -i wan -p udp -j DROP');
    expect(flat('fullcone')).toContain('DNAT --to-destination 10.1.0.10');
    expect(flat('udp-blocked')).toMatch(/-I FORWARD 1 -p udp .* -j DROP/);
    expect(() => natRules('fullcone', ['10.1.0.10', '10.1.0.11'])).toThrow();
    expect(lossRule(0.2).join(' ')).toContain('-o wan -m statistic --mode random --probability 0.2 -j DROP');
  });
});
