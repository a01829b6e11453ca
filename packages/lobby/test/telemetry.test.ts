import { LobbyErrorCode, type TelemetryPair } from '@handoff/protocol/lobby';
import { afterEach, describe, expect, it } from 'vitest';
import { type LobbyServer, type LobbyServerOptions, TELEMETRY_REPORT_BURST } from '../src/index.js';
import { startLobby } from './support/lobby-fixture.js';
import { RawClient } from './support/raw-client.js';

/**
 * Connectivity telemetry as hostile clients may send it (#15): Prometheus
 * labels stay bounded, invalid reports are refused and counted, a fast
 * reporter is throttled (never kicked), and a player that leaves takes its
 * entries with it.
 */
describe('telemetry: validation, bounded labels, rate limit', () => {
  let lobby: LobbyServer;
  let url: string;
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await lobby.stop(200);
  });

  async function roomOf(
    count: number,
    limits: LobbyServerOptions['limits'] = {},
  ): Promise<{ players: RawClient[]; roomId: string }> {
    ({ lobby, url } = await startLobby({ limits }));
    const players: RawClient[] = [];
    for (let i = 0; i < count; i++) {
      const raw = await RawClient.welcomed(url, `p${i}`);
      clients.push(raw);
      players.push(raw);
    }
    const joined = await players[0]!.createRoom({ name: 'T', capacity: 8, visibility: 'public' });
    for (const raw of players.slice(1)) await raw.request({ type: 'room:join', roomId: joined.room.id });
    return { players, roomId: joined.room.id };
  }
  const metrics = async (): Promise<string> =>
    (await fetch(`${url.replace('ws://', 'http://')}metrics`)).text();
  const metric = (text: string, series: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? 0 : Number(line.slice(series.length + 1));
  };
  const idOf = (raw: RawClient): string => raw.welcome!.playerId;
  /** Waits until the lobby has handled everything `raw` sent before (a ping is answered in order). */
  const settled = async (raw: RawClient): Promise<void> => {
    expect((await raw.request({ type: 'ping', t: 1 })).type).toBe('pong');
  };

  it('counts a fallback reason outside the fixed set as other; no label is made from client text', async () => {
    const { players } = await roomOf(2);
    const [a, b] = players as [RawClient, RawClient];
    const pair = (reason: string, count: number): TelemetryPair => ({
      peerId: idOf(b),
      path: 'relay',
      fallbacks: [{ reason: reason as 'other', count }],
    });
    // Through the raw encoder, as a hostile or newer client would send them.
    a.sendUnchecked({ type: 'telemetry', requestId: 1, pairs: [pair('made-up-reason-1', 2)] });
    a.sendUnchecked({ type: 'telemetry', requestId: 2, pairs: [pair('heartbeats-missed', 1)] });
    a.sendUnchecked({ type: 'telemetry', requestId: 3, pairs: [pair('made-up-reason-2', 5)] });
    await settled(a);
    const text = await metrics();
    expect(text).not.toContain('made-up-reason');
    expect(metric(text, 'handoff_direct_fallbacks_total{reason="other"}')).toBe(7);
    expect(metric(text, 'handoff_direct_fallbacks_total{reason="heartbeats-missed"}')).toBe(1);
    expect(metric(text, 'handoff_telemetry_reports_total{outcome="recorded"}')).toBe(3);
  });

  it('refuses an invalid report with error BadRequest and counts it; the connection and other reports go on', async () => {
    const { players, roomId } = await roomOf(2);
    const [a, b] = players as [RawClient, RawClient];
    const invalid: unknown[] = [
      { type: 'telemetry', requestId: 11, pairs: [{ peerId: idOf(b), path: 'lan' }] },
      { type: 'telemetry', requestId: 12, pairs: [{ peerId: idOf(b), path: 'relay', rttMs: -5 }] },
      { type: 'telemetry', requestId: 13, pairs: [{ peerId: idOf(b), path: 'relay', nat: { ice: 'x' } }] },
      { type: 'telemetry', requestId: 14, pairs: 'all of them' },
      {
        type: 'telemetry',
        requestId: 15,
        pairs: Array.from({ length: 64 }, (_, i) => ({ peerId: `p${i}`, path: 'relay' })),
      },
    ];
    for (const body of invalid) {
      a.sendUnchecked(body);
      const reply = await a.reply((body as { requestId: number }).requestId);
      expect(reply).toMatchObject({ type: 'error', code: LobbyErrorCode.BadRequest });
    }
    // A valid one still counts; a pair with someone outside the room is ignored.
    a.send({
      type: 'telemetry',
      pairs: [
        {
          peerId: idOf(b),
          path: 'direct',
          rttMs: 12,
          nat: { ice: 'reached', local: 'srflx', remote: 'host' },
        },
        { peerId: 'not-a-member', path: 'relay' },
      ],
    });
    await settled(a);
    const text = await metrics();
    expect(metric(text, 'handoff_telemetry_reports_total{outcome="invalid"}')).toBe(invalid.length);
    expect(metric(text, 'handoff_telemetry_reports_total{outcome="recorded"}')).toBe(1);
    expect(metric(text, 'handoff_pair_sides_by_candidates{local="srflx",remote="host"}')).toBe(1);
    expect(metric(text, 'handoff_pair_sides_by_ice{outcome="reached"}')).toBe(1);
    expect(lobby.state.telemetry.size(roomId).sides).toBe(1);
    expect(a.closeCode).toBeUndefined();
  });

  it('throttles a client reporting faster than the limit (dropped and counted, not kicked)', async () => {
    const { players } = await roomOf(2);
    const [a, b] = players as [RawClient, RawClient];
    const sent = 20;
    for (let i = 0; i < sent; i++)
      a.send({ type: 'telemetry', pairs: [{ peerId: idOf(b), path: 'relay', rttMs: i }] });
    await settled(a);
    let text = await metrics();
    const recorded = metric(text, 'handoff_telemetry_reports_total{outcome="recorded"}');
    expect(recorded).toBeGreaterThanOrEqual(TELEMETRY_REPORT_BURST);
    expect(recorded).toBeLessThanOrEqual(TELEMETRY_REPORT_BURST + 1); // + one refilled on a slow run
    expect(metric(text, 'handoff_telemetry_reports_total{outcome="throttled"}')).toBe(sent - recorded);
    // Nothing answered, nothing closed; a second later the budget allows one more.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    a.send({ type: 'telemetry', pairs: [{ peerId: idOf(b), path: 'relay', rttMs: 99 }] });
    await settled(a);
    text = await metrics();
    expect(metric(text, 'handoff_telemetry_reports_total{outcome="recorded"}')).toBe(recorded + 1);
    expect(a.closeCode).toBeUndefined();
  });

  it('limits.maxTelemetryReportsPerSecond sets the refill rate (the burst stays TELEMETRY_REPORT_BURST)', async () => {
    const { players } = await roomOf(2, { maxTelemetryReportsPerSecond: 5 });
    const [a, b] = players as [RawClient, RawClient];
    const burst = (): void => {
      for (let i = 0; i < 10; i++) a.send({ type: 'telemetry', pairs: [{ peerId: idOf(b), path: 'relay' }] });
    };
    burst();
    await settled(a);
    const first = metric(await metrics(), 'handoff_telemetry_reports_total{outcome="recorded"}');
    expect(first).toBeGreaterThanOrEqual(TELEMETRY_REPORT_BURST);
    expect(first).toBeLessThanOrEqual(TELEMETRY_REPORT_BURST + 1);
    // 0.7 s at 5 a second refills the whole burst (the default of 1 a second would allow 0 or 1).
    await new Promise((resolve) => setTimeout(resolve, 700));
    burst();
    await settled(a);
    const text = await metrics();
    expect(metric(text, 'handoff_telemetry_reports_total{outcome="recorded"}') - first).toBe(
      TELEMETRY_REPORT_BURST,
    );
    expect(metric(text, 'handoff_telemetry_reports_total{outcome="throttled"}')).toBe(20 - first - 3);
  });

  it('counts a report from a player in no room as not-in-room and keeps nothing of it', async () => {
    ({ lobby, url } = await startLobby());
    const [loner, other] = [await RawClient.welcomed(url, 'loner'), await RawClient.welcomed(url, 'other')];
    clients.push(loner, other);
    loner.send({ type: 'telemetry', pairs: [{ peerId: idOf(other), path: 'relay' }] });
    await settled(loner);
    const text = await metrics();
    expect(metric(text, 'handoff_telemetry_reports_total{outcome="not-in-room"}')).toBe(1);
    expect(metric(text, 'handoff_telemetry_reports_total{outcome="recorded"}')).toBe(0);
    expect(metric(text, 'handoff_pairs{path="relay"}')).toBe(0);
    expect(loner.closeCode).toBeUndefined();
  });

  it("forgets a leaving player's sides and timed pairs (no growth with churn)", async () => {
    const { players, roomId } = await roomOf(3);
    const [a, b, c] = players as [RawClient, RawClient, RawClient];
    const report = (from: RawClient, ...to: RawClient[]) =>
      from.send({
        type: 'telemetry',
        pairs: to.map((peer) => ({ peerId: idOf(peer), path: 'direct' as const, timeToDirectMs: 200 })),
      });
    report(a, b, c);
    report(b, a, c);
    report(c, a, b);
    for (const raw of [a, b, c]) await settled(raw);
    expect(lobby.state.telemetry.size(roomId)).toEqual({ sides: 6, timed: 3 });
    expect(metric(await metrics(), 'handoff_time_to_direct_seconds_count')).toBe(3);
    await c.request({ type: 'room:leave' });
    expect(lobby.state.telemetry.size(roomId)).toEqual({ sides: 2, timed: 1 });
    // The room closing drops the rest.
    await a.request({ type: 'room:leave' });
    await b.request({ type: 'room:leave' });
    lobby.state.closeRoom(lobby.state.rooms.get(roomId)!);
    expect(lobby.state.telemetry.size(roomId)).toEqual({ sides: 0, timed: 0 });
  });

  it('a side not reported for 10 s drops out of the gauges until it reports again', async () => {
    const { players, roomId } = await roomOf(2);
    const [a, b] = players as [RawClient, RawClient];
    const room = lobby.state.rooms.get(roomId)!;
    const playerA = lobby.state.players.get(idOf(a))!;
    const playerB = lobby.state.players.get(idOf(b))!;
    const report = (to: RawClient) => ({
      type: 'telemetry' as const,
      requestId: 1,
      pairs: [{ peerId: idOf(to), path: 'direct' as const }],
    });
    const now = Date.now();
    lobby.state.telemetry.record(playerA, room, report(b), now - 11_000); // stale
    lobby.state.telemetry.record(playerB, room, report(a), now - 9_000); // fresh
    // Only b's side is fresh: one player counted (a's stale side no longer is).
    expect(metric(await metrics(), 'handoff_players_by_path{paths="direct"}')).toBe(1);
    lobby.state.telemetry.record(playerA, room, report(b), now);
    expect(metric(await metrics(), 'handoff_players_by_path{paths="direct"}')).toBe(2);
  });
});
