import { setTimeout as sleep } from 'node:timers/promises';
import { DIRECT_RETRY_DEFAULTS } from '@handoff/transport';
import type { ExpectedPath } from './checks.js';
import { blackhole, flushConntrack, removeBlackhole, udpDropped } from './faults.js';
import type { Match } from './match.js';
import { maxDirectAttempts } from './retry-budget.js';
import type { Lab } from './topology.js';

/** What a play can use and report to. */
export interface PlayContext {
  lab: Lab;
  match: Match;
  /** `Date.now()` when every player knew every peer. */
  formedAt: number;
  /** A measurement for the matrix; the name carries the unit. */
  measure(name: string, value: number): void;
  /** CPU time the lobby process used so far, ms. */
  lobbyCpuMs(): number;
  note(text: string): void;
  fail(text: string): void;
}

/** The game between room formation and the final reports: waits, faults, timing checks. */
export type Play = (context: PlayContext) => Promise<void>;

/** Time on the direct path after it formed, so traffic demonstrably flows over it. */
const DIRECT_PLAY_MS = 3000;
/** How long a relay-only pair plays: past the first attempts' failure signs, still short. */
export const RELAY_PLAY_MS = 12_000;
/** UDP datagrams one direct attempt may send from one side: STUN to the server and checks per pair, with retransmissions. */
export const UDP_PER_ATTEMPT = 64;
/** A direct link lost to a fault must be replaced by the relay this fast (heartbeats: 1.4 s + a 100 ms check). */
const FALLBACK_LIMIT_MS = 1500;
/** After the fault is gone, direct again this fast. */
const BACK_TO_DIRECT_LIMIT_MS = 10_000;
/** How long the blackhole lasts: a route flap or a Wi-Fi hiccup. */
const BLACKHOLE_MS = 5000;

/** Every pair reaches direct within `timeoutMs`, then plays on it. */
export function reachDirect(timeoutMs = 15_000): Play {
  return async ({ match }) => {
    await match.waitAll('direct', timeoutMs);
    await sleep(DIRECT_PLAY_MS);
  };
}

/** Plays on the relay; no pair may ever switch to direct. */
export function stayOnRelay(): Play {
  return async ({ match, fail }) => {
    await sleep(RELAY_PLAY_MS);
    if (match.players.some((player) => player.all('path').length > 0))
      fail('a pair switched paths; expected relay only');
  };
}

/**
 * Plays on the relay behind a router that drops all UDP, then checks that
 * the UDP the blocked host sent stays within what the retry backoff allows.
 */
export function udpBlocked(routerIndex: number): Play {
  const relay = stayOnRelay();
  return async (context) => {
    const router = context.lab.routers[routerIndex]!;
    await relay(context);
    // No UDP leaves a host before its first RTCPeerConnection, which the room's formation creates.
    const elapsed = Date.now() - context.formedAt;
    const dropped = await udpDropped(router.namespace);
    const budget = maxDirectAttempts(elapsed, DIRECT_RETRY_DEFAULTS) * UDP_PER_ATTEMPT;
    context.measure('UDP datagrams dropped at the blocked router', dropped);
    context.note(
      `blocked host sent ${dropped} UDP datagrams in ${(elapsed / 1000).toFixed(1)} s ` +
        `(${Math.round((dropped * 60_000) / elapsed)}/min; budget ${budget})`,
    );
    if (dropped > budget) context.fail(`UDP retry storm: ${dropped} datagrams > budget ${budget}`);
  };
}

/** easy × easy: direct, then the path between the routers blackholed for a while and restored. */
export function blackholeDirect(): Play {
  const direct = reachDirect();
  return async (context) => {
    await direct(context);
    const { lab, match } = context;
    const [a, b] = lab.routers.map((router) => router.wanAddress) as [string, string];
    const blockedAt = await blackhole(lab.pub, a, b);
    const relayAt = await match.waitAll('relay', 10_000);
    context.measure('block → relay (ms)', relayAt - blockedAt);
    if (relayAt - blockedAt > FALLBACK_LIMIT_MS)
      context.fail(`on the relay ${relayAt - blockedAt} ms after the block (limit ${FALLBACK_LIMIT_MS})`);
    await sleep(Math.max(0, blockedAt + BLACKHOLE_MS - Date.now()));
    const unblockedAt = await removeBlackhole(lab.pub, a, b);
    const directAt = await match.waitAll('direct', 30_000);
    context.measure('unblock → direct (ms)', directAt - unblockedAt);
    if (directAt - unblockedAt > BACK_TO_DIRECT_LIMIT_MS)
      context.fail(
        `direct again ${directAt - unblockedAt} ms after the unblock (limit ${BACK_TO_DIRECT_LIMIT_MS})`,
      );
    context.note(`blackhole ${BLACKHOLE_MS / 1000} s`);
    await sleep(2000);
  };
}

/** easy × easy: direct, then one router forgets every NAT mapping at once. */
export function conntrackFlush(): Play {
  const direct = reachDirect();
  return async (context) => {
    await direct(context);
    const flushedAt = await flushConntrack(context.lab.routers[0]!.namespace);
    await sleep(6000);
    const after = context.match.timeline(flushedAt);
    context.note(
      after.length === 0 ? 'no path change after the flush' : `after the flush: ${after.join('; ')}`,
    );
  };
}

/**
 * A mixed room: every pair reaches the path its NATs allow — the direct pairs
 * within 15 s, while the others never leave the relay — then the room plays
 * on for a while, everyone from the first second (positions flow on the
 * relay before any direct link exists).
 */
export function mixedRoom(expected: (a: string, b: string) => ExpectedPath): Play {
  return async ({ match, fail, measure, formedAt }) => {
    const directAt = await match.waitPairs((a, b) => expected(a, b) === 'direct', 15_000);
    measure('room formed → every direct pair direct (ms)', directAt - formedAt);
    await sleep(RELAY_PLAY_MS);
    for (const viewer of match.players)
      for (const peer of match.players) {
        if (peer === viewer || expected(viewer.name, peer.name) !== 'relay') continue;
        if (match.view(viewer, peer).at !== undefined)
          fail(
            `${viewer.name} → ${peer.name} left the relay; its NATs (or privacy mode) should keep it there`,
          );
      }
  };
}

/** Longest a pair that can't go direct but has UDP may take to play on TURN (the target is p90 ≤ 1 s). */
export const TURN_TARGET_MS = 1000;

/**
 * Every pair reaches `path` within `timeoutMs`, then plays on it; measures
 * from room formation to the whole room on it.
 */
export function reachPath(path: 'turn' | 'direct', timeoutMs = 15_000): Play {
  return async ({ match, formedAt, measure }) => {
    const at = await match.waitAll(path, timeoutMs);
    measure(`room formed → every pair on ${path} (ms)`, at - formedAt);
    await sleep(DIRECT_PLAY_MS);
  };
}

/**
 * easy × easy with TURN, the direct path between the routers blackholed from
 * before the room forms (the scenario's `prepare`): the pair plays on TURN;
 * once the path opens, its probes find the direct link and it moves there.
 */
export function turnThenDirect(): Play {
  return async ({ lab, match, formedAt, measure, fail, note }) => {
    const [a, b] = lab.routers.map((router) => router.wanAddress) as [string, string];
    const turnAt = await match.waitAll('turn', 15_000);
    measure('room formed → every pair on turn (ms)', turnAt - formedAt);
    await sleep(Math.max(0, formedAt + BLACKHOLE_MS - Date.now()));
    const unblockedAt = await removeBlackhole(lab.pub, a, b);
    const directAt = await match.waitAll('direct', 45_000);
    measure('unblock → direct (ms)', directAt - unblockedAt);
    if (directAt - unblockedAt > TURN_TO_DIRECT_LIMIT_MS)
      fail(`direct ${directAt - unblockedAt} ms after the unblock (limit ${TURN_TO_DIRECT_LIMIT_MS})`);
    note(`direct path blackholed for the first ${BLACKHOLE_MS / 1000} s of the room`);
    await sleep(2000);
  };
}

/** After the direct path opens, a pair on TURN is direct within this (probes back off from 1 s, each may run 10 s). */
const TURN_TO_DIRECT_LIMIT_MS = 30_000;

/** How long the lateness rows play on their final path. */
const LATENESS_PLAY_MS = 15_000;

/**
 * Plays on `path` (reached first, if not the relay) for a while and measures
 * what the lobby process spent on CPU meanwhile; the players report each
 * position's one-way delay (the matrix's lateness table).
 */
export function measureLateness(path: 'relay' | 'turn'): Play {
  return async ({ match, measure, fail, lobbyCpuMs }) => {
    // Under loss every handshake (TURN allocation, ICE, DTLS) may wait out retransmissions,
    // and a failed attempt is retried after its 10 s timeout: patience for two attempts.
    if (path !== 'relay') await match.waitAll(path, 30_000);
    const cpuBefore = lobbyCpuMs();
    const started = Date.now();
    await sleep(LATENESS_PLAY_MS);
    measure(
      'lobby CPU while playing (ms per s)',
      ((lobbyCpuMs() - cpuBefore) * 1000) / (Date.now() - started),
    );
    if (match.players.some((player) => player.all('path').some((event) => event.to !== path)))
      fail(`a pair left ${path} while the lateness was measured`);
  };
}
