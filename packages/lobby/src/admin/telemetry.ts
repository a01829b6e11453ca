import type { TelemetryMessage } from '@handoff/protocol/lobby';
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
  /** When the latest report about this pair arrived (ms since the epoch). */
  updatedAt: number;
}

/** A side's latest view of one pair. */
interface Side {
  path: 'relay' | 'turn' | 'direct';
  rttMs: number | undefined;
  timeToDirectMs: number | undefined;
  at: number;
}

/** Reports older than this no longer count in the gauges, ms (a client reports every 5 s). */
const STALE_MS = 20_000;

/**
 * Connectivity telemetry from clients: the latest view of every pair, by
 * room, and the Prometheus series it feeds — pairs by path and the direct
 * ratio, a time-to-direct histogram, fallbacks by reason, players by path.
 * Reports are validated by the protocol decoder and rate-limited per player
 * before they get here; only pairs between two members of the reporter's
 * room are kept, so a client cannot invent pairs.
 */
export class Telemetry {
  /** Room id → `reporter\npeer` → that side's view. */
  private readonly rooms = new Map<string, Map<string, Side>>();
  private readonly timeToDirect: Histogram;
  private readonly fallbacks: Counter<'reason'>;
  /** Pairs whose time to direct was already observed (once per pair). */
  private readonly timed = new Set<string>();

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

  /** Takes a player's report about its room's pairs. */
  record(player: Player, room: Room, report: TelemetryMessage, now = Date.now()): void {
    let sides = this.rooms.get(room.id);
    if (sides === undefined) {
      sides = new Map();
      this.rooms.set(room.id, sides);
    }
    for (const pair of report.pairs) {
      if (pair.peerId === player.id || !room.members.some((member) => member.id === pair.peerId)) continue;
      sides.set(`${player.id}\n${pair.peerId}`, {
        path: pair.path,
        rttMs: pair.rttMs,
        timeToDirectMs: pair.timeToDirectMs,
        at: now,
      });
      const key = [player.id, pair.peerId].sort().join('\n');
      if (pair.timeToDirectMs !== undefined && !this.timed.has(key)) {
        this.timed.add(key);
        this.timeToDirect.observe(pair.timeToDirectMs / 1000);
      }
      for (const fallback of pair.fallbacks ?? [])
        this.fallbacks.inc({ reason: fallback.reason }, fallback.count);
    }
  }

  /** Forgets a room (it closed). */
  forgetRoom(roomId: string): void {
    this.rooms.delete(roomId);
  }

  /** Every pair of a room as its members last reported it. */
  pairs(room: Room): PairView[] {
    const sides = this.rooms.get(room.id);
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
          updatedAt: Math.max(ab?.at ?? 0, ba?.at ?? 0),
        });
      }
    }
    return out;
  }

  private fresh(): Side[] {
    const now = Date.now();
    const out: Side[] = [];
    for (const sides of this.rooms.values())
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
    for (const sides of this.rooms.values()) {
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
