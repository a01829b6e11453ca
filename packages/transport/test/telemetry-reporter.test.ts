import { readFileSync } from 'node:fs';
import { TELEMETRY_FALLBACK_REASONS } from '@handoff/protocol/lobby';
import { describe, expect, it } from 'vitest';
import type { PeerStats } from '../src/room/peer-link.js';
import { fallbackReasonCode, TelemetryReporter } from '../src/room/telemetry-reporter.js';

/** The stats fields the reporter reads, the rest left out. */
function stats(partial: Partial<PeerStats> & { rttMs?: number }): PeerStats {
  return {
    path: 'relay',
    fallbacks: [],
    timeToDirectMs: undefined,
    nat: { ice: 'untried' },
    ...partial,
    session: { rttMs: partial.rttMs ?? 0, rttSamples: partial.rttMs === undefined ? 0 : 1 },
  } as unknown as PeerStats;
}

/** Every reason text the direct code gives when a pair falls back (from the source, so a new one is noticed). */
function reasonsInSource(): string[] {
  const reasons: string[] = [];
  for (const file of ['direct-link.ts', 'direct-controller.ts']) {
    const source = readFileSync(new URL(`../src/direct/${file}`, import.meta.url), 'utf8');
    for (const match of source.matchAll(/(?:fail|onDown|lost)\((?:lane, )?([`'])([^`']*)\1/g)) {
      const text = match[2]!;
      const state = /\$\{state\}/;
      if (state.test(text)) reasons.push(text.replace(state, 'failed'), text.replace(state, 'closed'));
      else reasons.push(text.replace(/\$\{[^}]*\}/g, 'some error'));
    }
  }
  return reasons;
}

describe('telemetry reporter (#15)', () => {
  it('maps every fallback reason the transport gives to a code of the fixed set, never other', () => {
    const reasons = reasonsInSource();
    expect(reasons.length).toBeGreaterThanOrEqual(11);
    for (const reason of reasons) {
      const code = fallbackReasonCode(reason);
      expect(code, reason).not.toBe('other');
      expect(TELEMETRY_FALLBACK_REASONS).toContain(code);
    }
    expect(fallbackReasonCode('connection failed')).toBe('connection-failed');
    expect(fallbackReasonCode('heartbeats missed')).toBe('heartbeats-missed');
    expect(fallbackReasonCode('something new')).toBe('other');
  });

  it('reports fallbacks once each, grouped by code', () => {
    const reporter = new TelemetryReporter();
    const fallbacks = [
      { reason: 'heartbeats missed', atMs: 10 },
      { reason: 'heartbeats missed', atMs: 20 },
      { reason: 'data channel closed', atMs: 30 },
    ];
    expect(reporter.report([['p1', stats({ fallbacks, rttMs: 12.5 })]])).toEqual([
      {
        peerId: 'p1',
        path: 'relay',
        rttMs: 12.5,
        fallbacks: [
          { reason: 'heartbeats-missed', count: 2 },
          { reason: 'channel-closed', count: 1 },
        ],
        nat: { ice: 'untried' },
      },
    ]);
    // Already reported: not again; a newer one is.
    fallbacks.push({ reason: 'connection closed', atMs: 40 });
    expect(reporter.report([['p1', stats({ fallbacks })]])).toEqual([
      {
        peerId: 'p1',
        path: 'relay',
        fallbacks: [{ reason: 'connection-closed', count: 1 }],
        nat: { ice: 'untried' },
      },
    ]);
  });

  it('reports the NAT behaviour seen as the stats give it (no address)', () => {
    const reporter = new TelemetryReporter();
    const nat = { ice: 'reached', local: 'srflx', remote: 'relay' } as const;
    expect(
      reporter.report([
        ['p1', stats({ path: 'turn', nat, timeToDirectMs: 250 })],
        ['p2', stats({ nat: { ice: 'unreached' } })],
      ]),
    ).toEqual([
      { peerId: 'p1', path: 'turn', timeToDirectMs: 250, nat },
      { peerId: 'p2', path: 'relay', nat: { ice: 'unreached' } },
    ]);
  });
});
