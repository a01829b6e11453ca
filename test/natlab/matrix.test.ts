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
