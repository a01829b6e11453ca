import {
  type IceCandidateType,
  TELEMETRY_ICE_OUTCOMES,
  type TelemetryIceOutcome,
  type TelemetryMessage,
  type TelemetryNat,
  telemetryFallbackReason,
} from '@handoff/protocol/lobby';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Player } from '../player.js';
import type { Room } from '../room.js';

/** One pair as the latest reports of its two players describe it. */
export interface PairView {
  /** The two players (ids, sorted). */
  players: [string, string];
  /** The path each side reports (`undefined`: that side has not reported). */
  paths: [string | undefined, string | undefined];
  /** Each side's smoothed RTT, ms. */
  rttMs: [number | undefined, number | undefined];
  /** Time to direct as reported (the later side), ms. */
  timeToDirectMs: number | undefined;
  /** The NAT behaviour each side reports (ICE outcome, selected candidate types). */
  nat: [TelemetryNat | undefined, TelemetryNat | undefined];
  /** When the latest report about this pair arrived (ms since the epoch). */
  updatedAt: number;
}

/** A side's latest view of one pair. */
interface Side {
  path: 'relay' | 'turn' | 'direct';
  rttMs: number | undefined;
  timeToDirectMs: number | undefined;
  nat: TelemetryNat | undefined;
  at: number;
}

/** One room's telemetry: each side's latest view, and the pairs whose time to direct was observed. */
interface RoomTelemetry {
  /** `reporter\npeer` → that side's view. */
  readonly sides: Map<string, Side>;
  /** Pairs (`a\nb`, ids sorted) whose time to direct was already observed (once per pair). */
  readonly timed: Set<string>;
}

/**
 * Reports older than this no longer count in the gauges, ms (a client
 * reports every second; older clients every 5 s).
 */
const STALE_MS = 10_000;

/** Default of `limits.maxTelemetryReportsPerSecond`: a client sends one report a second. */
export const TELEMETRY_REPORTS_PER_SECOND = 1;
/** Telemetry reports a player may send back to back (timer drift, a stalled event loop) before the average applies. */
export const TELEMETRY_REPORT_BURST = 3;

/** What became of a telemetry report: the `outcome` label of `handoff_telemetry_reports_total`. */
export type TelemetryReportOutcome = 'recorded' | 'throttled' | 'not-in-room' | 'invalid';

/**
 * Connectivity telemetry from clients: the latest view of every pair, by
 * room, and the Prometheus series it feeds — pairs by path and the direct
 * ratio, a time-to-direct histogram, fallbacks by reason, players by path.
 * Reports are validated by the protocol decoder and rate-limited per player
 * before they get here; only pairs between two members of the reporter's
 * room are kept, so a client cannot invent pairs.
 */
export class Telemetry {
  /** Room id → its telemetry (dropped with the room; a leaving player's entries go with it). */
  private readonly rooms = new Map<string, RoomTelemetry>();
  private readonly timeToDirect: Histogram;
  private readonly fallbacks: Counter<'reason'>;
  private readonly reports: Counter<'outcome'>;

  constructor(registry: Registry, rooms: () => Iterable<Room>) {
    const relayBytes = new Gauge({
      name: 'handoff_room_relay_bytes',
      help: 'Relayed payload bytes delivered to the members of each room so far',
      labelNames: ['room'],
      registers: [registry],
      collect: () => {
        relayBytes.reset();
        for (const room of rooms()) relayBytes.set({ room: room.id }, room.relayBytes);
      },
    });
    this.timeToDirect = new Histogram({
      name: 'handoff_time_to_direct_seconds',
      help: 'Time from meeting a peer to a validated direct link, as clients report it (once per pair)',
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    });
    this.fallbacks = new Counter({
      name: 'handoff_direct_fallbacks_total',
      help: 'Falls back from a direct link to the relay, by reason, as clients report them',
      labelNames: ['reason'],
      registers: [registry],
    });
    this.reports = new Counter({
      name: 'handoff_telemetry_reports_total',
      help: 'Telemetry reports from clients by outcome: recorded, throttled (over the rate limit), not-in-room, invalid (refused by the decoder)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    const ice = new Gauge({
      name: 'handoff_pair_sides_by_ice',
      help: 'Pair sides by what their WebRTC attempts achieved (untried, unreached: ICE never connected, reached), from client reports',
      labelNames: ['outcome'],
      registers: [registry],
      collect: () => {
        const counts = new Map<TelemetryIceOutcome, number>(TELEMETRY_ICE_OUTCOMES.map((o) => [o, 0]));
        for (const side of this.fresh())
          if (side.nat !== undefined) counts.set(side.nat.ice, counts.get(side.nat.ice)! + 1);
        for (const [outcome, value] of counts) ice.set({ outcome }, value);
      },
    });
    const candidates = new Gauge({
      name: 'handoff_pair_sides_by_candidates',
      help: 'Pair sides by the candidate types of the selected pair of their latest connected WebRTC link (local: the reporter, remote: its peer), from client reports',
      labelNames: ['local', 'remote'],
      registers: [registry],
      collect: () => {
        candidates.reset();
        const counts = new Map<string, number>();
        for (const side of this.fresh()) {
          const { local, remote } = side.nat ?? {};
          if (local === undefined || remote === undefined) continue;
          const key = `${local} ${remote}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        for (const [key, value] of counts) {
          const [local, remote] = key.split(' ') as [IceCandidateType, IceCandidateType];
          candidates.set({ local, remote }, value);
        }
      },
    });
    const pairs = new Gauge({
      name: 'handoff_pairs',
      help: 'Pairs of players by the path their traffic takes (from client reports)',
      labelNames: ['path'],
      registers: [registry],
      collect: () => {
        const counts = this.pathCounts();
        pairs.set({ path: 'direct' }, counts.direct);
        pairs.set({ path: 'turn' }, counts.turn);
        pairs.set({ path: 'relay' }, counts.relay);
      },
    });
    const ratio = new Gauge({
      name: 'handoff_direct_ratio',
      help: 'Share of reported pairs on a direct link, TURN not counted (0..1)',
      registers: [registry],
      collect: () => {
        const counts = this.pathCounts();
        const total = counts.direct + counts.turn + counts.relay;
        ratio.set(total === 0 ? 0 : counts.direct / total);
      },
    });
    const players = new Gauge({
      name: 'handoff_players_by_path',
      help: 'Players by their paths: all pairs direct, all through TURN, mixed, or all on the lobby relay (from client reports)',
      labelNames: ['paths'],
      registers: [registry],
      collect: () => {
        const counts = this.playerCounts();
        for (const [label, value] of Object.entries(counts)) players.set({ paths: label }, value);
      },
    });
  }

  /**
   * Takes a decoded report from a player: recorded if the player is in a
   * room and within its budget (`limits.maxTelemetryReportsPerSecond`), else
   * dropped unanswered. Every report is counted by outcome.
   */
  receive(player: Player, report: TelemetryMessage, now: number): TelemetryReportOutcome {
    const room = player.room;
    const outcome: TelemetryReportOutcome =
      room === undefined ? 'not-in-room' : player.telemetryReports.take(1, now) ? 'recorded' : 'throttled';
    this.reports.inc({ outcome });
    if (room !== undefined && outcome === 'recorded') this.record(player, room, report);
    return outcome;
  }

  /** A telemetry report the decoder refused (counted; the sender got `error BadRequest`). */
  refused(): void {
    this.reports.inc({ outcome: 'invalid' });
  }

  /** Takes a player's report about its room's pairs. */
  record(player: Player, room: Room, report: TelemetryMessage, now = Date.now()): void {
    let state = this.rooms.get(room.id);
    if (state === undefined) {
      state = { sides: new Map(), timed: new Set() };
      this.rooms.set(room.id, state);
    }
    for (const pair of report.pairs) {
      if (pair.peerId === player.id || !room.members.some((member) => member.id === pair.peerId)) continue;
      state.sides.set(`${player.id}\n${pair.peerId}`, {
        path: pair.path,
        rttMs: pair.rttMs,
        timeToDirectMs: pair.timeToDirectMs,
        nat: pair.nat,
        at: now,
      });
      if (pair.timeToDirectMs !== undefined) {
        const key = player.id < pair.peerId ? `${player.id}\n${pair.peerId}` : `${pair.peerId}\n${player.id}`;
        if (!state.timed.has(key)) {
          state.timed.add(key);
          this.timeToDirect.observe(pair.timeToDirectMs / 1000);
        }
      }
      // The decoder already maps reasons to the fixed set; mapped again so no caller can add a label.
      for (const fallback of pair.fallbacks ?? [])
        this.fallbacks.inc({ reason: telemetryFallbackReason(fallback.reason) }, fallback.count);
    }
  }

  /** Forgets a room (it closed). */
  forgetRoom(roomId: string): void {
    this.rooms.delete(roomId);
  }

  /** Forgets what was reported by and about a player that left a room. */
  forgetPlayer(roomId: string, playerId: string): void {
    const state = this.rooms.get(roomId);
    if (state === undefined) return;
    for (const key of state.sides.keys()) if (involves(key, playerId)) state.sides.delete(key);
    for (const key of state.timed) if (involves(key, playerId)) state.timed.delete(key);
  }

  /** Entries kept for a room (sides, timed pairs): for tests of the clean-up. */
  size(roomId: string): { sides: number; timed: number } {
    const state = this.rooms.get(roomId);
    return { sides: state?.sides.size ?? 0, timed: state?.timed.size ?? 0 };
  }

  /** Every pair of a room as its members last reported it. */
  pairs(room: Room): PairView[] {
    const sides = this.rooms.get(room.id)?.sides;
    const out: PairView[] = [];
    const ids = room.members.map((member) => member.id).sort();
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const [a, b] = [ids[i]!, ids[j]!];
        const ab = sides?.get(`${a}\n${b}`);
        const ba = sides?.get(`${b}\n${a}`);
        const times = [ab?.timeToDirectMs, ba?.timeToDirectMs].filter((t): t is number => t !== undefined);
        out.push({
          players: [a, b],
          paths: [ab?.path, ba?.path],
          rttMs: [ab?.rttMs, ba?.rttMs],
          timeToDirectMs: times.length === 0 ? undefined : Math.max(...times),
          nat: [ab?.nat, ba?.nat],
          updatedAt: Math.max(ab?.at ?? 0, ba?.at ?? 0),
        });
      }
    }
    return out;
  }

  private fresh(): Side[] {
    const now = Date.now();
    const out: Side[] = [];
    for (const { sides } of this.rooms.values())
      for (const side of sides.values()) if (now - side.at < STALE_MS) out.push(side);
    return out;
  }

  private pathCounts(): { direct: number; turn: number; relay: number } {
    const counts = { direct: 0, turn: 0, relay: 0 };
    for (const side of this.fresh()) counts[side.path]++;
    // Each pair is reported by both sides: count sides, halve.
    return {
      direct: Math.round(counts.direct / 2),
      turn: Math.round(counts.turn / 2),
      relay: Math.round(counts.relay / 2),
    };
  }

  private playerCounts(): { direct: number; turn: number; mixed: number; relay: number } {
    const now = Date.now();
    const byPlayer = new Map<string, Set<string>>();
    for (const { sides } of this.rooms.values()) {
      for (const [key, side] of sides) {
        if (now - side.at >= STALE_MS) continue;
        const reporter = key.split('\n')[0]!;
        const paths = byPlayer.get(reporter) ?? new Set<string>();
        paths.add(side.path);
        byPlayer.set(reporter, paths);
      }
    }
    const counts = { direct: 0, turn: 0, mixed: 0, relay: 0 };
    for (const paths of byPlayer.values()) {
      if (paths.size > 1) counts.mixed++;
      else if (paths.has('direct')) counts.direct++;
      else if (paths.has('turn')) counts.turn++;
      else counts.relay++;
    }
    return counts;
  }
}

/** Whether a `a\nb` key names `playerId` on either side. */
function involves(key: string, playerId: string): boolean {
  const cut = key.indexOf('\n');
  return key.slice(0, cut) === playerId || key.slice(cut + 1) === playerId;
}
