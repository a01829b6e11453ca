import { describe, expect, it } from 'vitest';
import { checkReports, type Expectation, type PlayerReport } from './checks.js';
import type { PeerReport } from './player-messages.js';
import { maxDirectAttempts } from './retry-budget.js';

const expectation: Expectation = { path: 'direct', minPositionShare: 0.9, maxPositionGapMs: 1000 };

function peer(peerId: string, change: Partial<PeerReport> = {}): PeerReport {
  return {
    peerId,
    peerName: peerId,
    path: 'direct',
    chatSent: 10,
    chatReceived: 10,
    chatAnomalies: [],
    positionsSent: 20,
    positionsReceived: 20,
    positionsBackwards: 0,
    longestPositionGapMs: 60,
    timeToDirectMs: 150,
    switches: 1,
    fallbackReasons: [],
    datagramsOut: { relay: 5, turn: 0, direct: 30 },
    datagramsIn: { relay: 5, turn: 0, direct: 30 },
    positionDelayMs: { p50: 2, p99: 5, max: 9 },
    candidateTypes: ['host', 'srflx'],
    ...change,
  };
}

function report(playerId: string, peers: PeerReport[]): PlayerReport {
  return { type: 'report', at: 0, playerId, name: playerId, peers, lobbyDrops: 0 };
}

describe('checkReports', () => {
  it('passes a clean pair and folds both sides into one outcome', () => {
    const result = checkReports(
      [
        report('a', [peer('b', { timeToDirectMs: 120 })]),
        report('b', [peer('a', { timeToDirectMs: 180, positionDelayMs: { p50: 3, p99: 4, max: 12 } })]),
      ],
      expectation,
    );
    expect(result.failures).toEqual([]);
    expect(result.pairs).toEqual([
      {
        players: ['a', 'b'],
        paths: ['direct', 'direct'],
        timeToDirectMs: 180,
        chatSent: 20,
        chatReceived: 20,
        positionsSent: 40,
        positionsReceived: 40,
        // The worse direction, figure by figure.
        positionDelayMs: { p50: 3, p99: 5, max: 12 },
      },
    ]);
  });

  it('reports a lost chat message, a jump back, a stall and the wrong path', () => {
    const result = checkReports(
      [
        report('a', [peer('b', { chatSent: 11 })]),
        report('b', [peer('a', { path: 'relay', positionsBackwards: 1, longestPositionGapMs: 1500 })]),
      ],
      expectation,
    );
    expect(result.failures).toEqual([
      'a→b: 11 chat messages sent, 10 received',
      'a→b: 1 positions went backwards',
      'a→b: positions stopped for 1500 ms (> 1000)',
      'b: ended on relay to a, expected direct',
    ]);
  });

  it('accepts either path when the expectation says any', () => {
    const reports = [report('a', [peer('b', { path: 'relay' })]), report('b', [peer('a')])];
    expect(checkReports(reports, { ...expectation, path: 'any' }).failures).toEqual([]);
  });
});

describe('maxDirectAttempts', () => {
  it('counts attempts under the backoff with its shortest jitter', () => {
    // Attempts at 0, 750, 2250, 5250, 11250 ms (×0.75 of 1, 2, 4, 8 s).
    expect(maxDirectAttempts(12_000, { initialDelayMs: 1000, maxDelayMs: 30_000 })).toBe(5);
    expect(maxDirectAttempts(0, { initialDelayMs: 1000, maxDelayMs: 30_000 })).toBe(1);
  });

  it('turn-only: a pair fails when the private player signalled anything but relay candidates, or nothing', () => {
    const relayOnly: Expectation = {
      ...expectation,
      path: 'turn',
      relayCandidatesOnlyFrom: (name) => name === 'a',
    };
    const onTurn = { path: 'turn' as const, timeToDirectMs: undefined };
    const clean = checkReports(
      [
        report('a', [peer('b', { ...onTurn, candidateTypes: ['host'] })]),
        report('b', [peer('a', { ...onTurn, candidateTypes: ['relay', 'relay'] })]),
      ],
      relayOnly,
    );
    expect(clean.failures).toEqual([]);
    const leaked = checkReports(
      [
        report('a', [peer('b', onTurn)]),
        report('b', [peer('a', { ...onTurn, candidateTypes: ['relay', 'srflx'] })]),
      ],
      relayOnly,
    );
    expect(leaked.failures).toEqual(['a→b: signalled a srflx candidate (turn-only: relay only)']);
    const silent = checkReports(
      [report('a', [peer('b', onTurn)]), report('b', [peer('a', { ...onTurn, candidateTypes: [] })])],
      relayOnly,
    );
    expect(silent.failures).toEqual(['a→b: signalled no relay candidate']);
  });
});

describe('position stamps', () => {
  it('carry a send time in y and give back the delay, across the period and rounding', async () => {
    const { delaySince, stampOf, STAMP_PERIOD_MS } = await import('./peer-traffic.js');
    const quantize = (y: number): number => Math.round(y * 512) / 512; // the codec's 1/512 step
    expect(delaySince(quantize(stampOf(1_000_123)), 1_000_123 + 40)).toBeCloseTo(40, 0);
    expect(delaySince(quantize(stampOf(STAMP_PERIOD_MS - 10)), STAMP_PERIOD_MS + 15)).toBeCloseTo(25, 0);
    expect(delaySince(quantize(stampOf(5_000_000.05)), 5_000_000)).toBeLessThan(1);
  });
});

describe('TURN unused', () => {
  it('fails a pair that was direct before the TURN lane opened yet used TURN; a slower pair may have', () => {
    const strict: Expectation = { ...expectation, noTurnTraffic: true };
    const overTurn = { datagramsIn: { relay: 5, turn: 3, direct: 30 } };
    const fast = checkReports(
      [report('a', [peer('b')]), report('b', [peer('a', { ...overTurn, timeToDirectMs: 150 })])],
      strict,
    );
    expect(fast.failures).toEqual(['a→b: 3 datagrams over TURN']);
    const slow = checkReports(
      [report('a', [peer('b')]), report('b', [peer('a', { ...overTurn, timeToDirectMs: 1100 })])],
      strict,
    );
    expect(slow.failures).toEqual([]);
  });
});
