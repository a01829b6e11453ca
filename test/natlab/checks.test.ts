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
    datagramsOut: { relay: 5, direct: 30 },
    datagramsIn: { relay: 5, direct: 30 },
    ...change,
  };
}

function report(playerId: string, peers: PeerReport[]): PlayerReport {
  return { type: 'report', at: 0, playerId, name: playerId, peers, lobbyDrops: 0 };
}

describe('checkReports', () => {
  it('passes a clean pair and folds both sides into one outcome', () => {
    const result = checkReports(
      [report('a', [peer('b', { timeToDirectMs: 120 })]), report('b', [peer('a', { timeToDirectMs: 180 })])],
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
});
