import type { Expectation } from './checks.js';
import { blackhole } from './faults.js';
import { expectedPath } from './mixed-room.js';
import {
  blackholeDirect,
  conntrackFlush,
  measureLateness,
  mixedRoom,
  type Play,
  reachDirect,
  reachPath,
  stayOnRelay,
  turnThenDirect,
  udpBlocked,
} from './plays.js';
import type { StunChoice } from './servers.js';
import type { Lab, RouterSpec } from './topology.js';

/** One row of the NAT matrix. */
export interface Scenario {
  id: string;
  /** The matrix's label, e.g. `easy × hard`. */
  title: string;
  /** The routers; one player per host behind them. */
  routers: RouterSpec[];
  stun: StunChoice;
  /** Share of everything each router forwards that it drops (0: none). */
  lossProbability: number;
  /** What the matrix promises, in words. */
  promise: string;
  expectation: Expectation;
  play: Play;
  /** Rooms played one after the other in the same lab (more time-to-direct samples). */
  rounds: number;
  /** Whether its time to direct counts toward the p90 target (not for deliberately lossy links). */
  timedDirect: boolean;
  /** Chat and position rates of every player, if not the lab's default (10 chat/s per peer, 20 positions/s). */
  traffic?: { chatHz: number; positionHz: number };
  /** Runs before each round's players start (a fault that must be there from the first packet). */
  prepare?: (lab: Lab) => Promise<void>;
  /** Its pairs' one-way position delay goes into the matrix's lateness table. */
  lateness?: boolean;
}

/** Rounds of each plain direct scenario: its time to direct is sampled this often per run. */
const DIRECT_ROUNDS = 3;
/** Rounds of each TURN row: enough samples that one slow attempt does not decide the p90. */
const TURN_ROUNDS = 5;

const one = (kind: RouterSpec['kind']): RouterSpec => ({ kind, hosts: 1 });
const onDirect: Expectation = { path: 'direct', minPositionShare: 0.9, maxPositionGapMs: 1000 };
const onRelay: Expectation = { path: 'relay', minPositionShare: 0.9, maxPositionGapMs: 1000 };
const onTurn: Expectation = { path: 'turn', minPositionShare: 0.9, maxPositionGapMs: 1000 };

/** A pair whose NATs allow no direct link, with a TURN server: it plays on TURN. */
function viaTurn(id: string, title: string, routers: RouterSpec[]): Scenario {
  return {
    id,
    title,
    routers,
    stun: 'turn',
    lossProbability: 0,
    promise: 'turn within 1 s, playing normally',
    expectation: onTurn,
    play: reachPath('turn'),
    rounds: TURN_ROUNDS,
    timedDirect: false,
  };
}

/** hard × hard under 5% loss on both routers, on the lobby relay (TCP) or on TURN (UDP): the lateness rows. */
function lossyHardPair(path: 'relay' | 'turn'): Scenario {
  return {
    id: `loss5-hard-hard-${path}`,
    title: `hard × hard, 5% loss, on ${path === 'turn' ? 'TURN' : 'the lobby relay'}`,
    routers: [one('hard'), one('hard')],
    stun: path === 'turn' ? 'turn' : 'lobby',
    lossProbability: 0.05,
    promise: `${path}; position lateness measured`,
    // TCP waits out its retransmission timers (the relay); UDP loses what it loses (TURN).
    expectation: { path, minPositionShare: 0.8, maxPositionGapMs: Number.POSITIVE_INFINITY },
    play: measureLateness(path),
    rounds: 1,
    timedDirect: false,
    traffic: { chatHz: 1, positionHz: 30 },
    lateness: true,
  };
}

function direct(id: string, title: string, routers: RouterSpec[], stun: StunChoice = 'lobby'): Scenario {
  const play = reachDirect();
  const rounds = DIRECT_ROUNDS;
  return {
    id,
    title,
    routers,
    stun,
    lossProbability: 0,
    promise: 'direct',
    expectation: onDirect,
    play,
    rounds,
    timedDirect: true,
  };
}

function relay(id: string, title: string, routers: RouterSpec[], stun: StunChoice = 'lobby'): Scenario {
  const play = stayOnRelay();
  const promise = 'relay, playing normally';
  return {
    id,
    title,
    routers,
    stun,
    lossProbability: 0,
    promise,
    expectation: onRelay,
    play,
    rounds: 1,
    timedDirect: false,
  };
}

/** Every scenario, in the order the lab runs them. */
export const SCENARIOS: readonly Scenario[] = [
  direct('easy-easy', 'easy × easy', [one('easy'), one('easy')]),
  direct('fullcone-hard', 'fullcone × hard', [one('fullcone'), one('hard')]),
  direct('same-lan', 'same-lan', [{ kind: 'easy', hosts: 2 }]),
  relay('easy-hard', 'easy × hard', [one('easy'), one('hard')]),
  relay('hard-hard', 'hard × hard', [one('hard'), one('hard')]),
  {
    ...relay('udp-blocked-easy', 'udp-blocked × easy', [one('udp-blocked'), one('easy')]),
    promise: 'relay, playing normally, no UDP retry storm',
    play: udpBlocked(0),
  },
  {
    ...direct('blackhole', 'easy × easy, direct path blackholed', [one('easy'), one('easy')]),
    promise: 'relay within 1.5 s, nothing lost; direct again within 10 s of the unblock',
    // Positions sent into the blackhole until the fallback (≈ 1.5 s of 13 s of play) are lost: they are unreliable.
    expectation: { ...onDirect, minPositionShare: 0.8, maxPositionGapMs: 2000 },
    play: blackholeDirect(),
    rounds: 1,
  },
  {
    ...direct('conntrack-flush', 'easy × easy, conntrack flushed', [one('easy'), one('easy')]),
    promise: 'session survives (direct or relay), nothing lost',
    expectation: { ...onDirect, path: 'any', maxPositionGapMs: 2000 },
    play: conntrackFlush(),
    rounds: 1,
  },
  {
    ...direct('loss-20', 'easy × easy, 20% loss on both routers', [one('easy'), one('easy')]),
    lossProbability: 0.2,
    promise: 'room forms, reaches direct',
    // Each uplink drops 20%: so do unreliable positions on the direct path, and the relay's TCP
    // stalls for seconds in its retransmission backoff: no gap limit here. Every layer of the
    // direct handshake (ICE, DTLS, SCTP) waits out its own retransmission timers: long patience.
    expectation: { ...onDirect, minPositionShare: 0.5, maxPositionGapMs: Number.POSITIVE_INFINITY },
    play: reachDirect(90_000),
    rounds: 1,
    timedDirect: false,
  },
  direct('coturn-easy-easy', 'easy × easy, coturn STUN', [one('easy'), one('easy')], 'coturn'),
  {
    id: 'mixed-room',
    title: 'mixed room of 6: easy, easy, fullcone, hard, udp-blocked, privacy',
    routers: [
      one('easy'),
      one('easy'),
      one('fullcone'),
      one('hard'),
      one('udp-blocked'),
      { ...one('easy'), privacy: true },
    ],
    stun: 'lobby',
    lossProbability: 0,
    promise: 'every pair on the path its NATs allow, all playing at 30 Hz from the first second',
    expectation: { path: expectedPath, minPositionShare: 0.9, maxPositionGapMs: 1000 },
    play: mixedRoom(expectedPath),
    rounds: 1,
    // Six players start their attempts at once on a 2-core machine: its times are in its own row,
    // not mixed into the pair p90.
    timedDirect: false,
    traffic: { chatHz: 1, positionHz: 30 },
  },
  relay('coturn-hard-hard', 'hard × hard, coturn STUN', [one('hard'), one('hard')], 'coturn'),
  // TURN (coturn, UDP, the lobby's short-lived credentials) as the middle path.
  {
    ...direct('turn-easy-easy', 'easy × easy, TURN available', [one('easy'), one('easy')], 'turn'),
    promise: 'direct; TURN unused (unless direct took longer than the TURN lane head start of 300 ms)',
    expectation: { ...onDirect, noTurnTraffic: true },
  },
  viaTurn('turn-hard-hard', 'hard × hard, TURN', [one('hard'), one('hard')]),
  {
    ...viaTurn('turn-easy-hard', 'easy × hard, TURN', [one('easy'), one('hard')]),
    promise: 'turn (or direct, if it punches) within 1 s',
    expectation: { ...onTurn, path: 'turn or direct' },
  },
  {
    ...relay('turn-udp-blocked', 'udp-blocked × easy, TURN', [one('udp-blocked'), one('easy')], 'turn'),
    promise: 'relay (TURN over UDP blocked too), no UDP retry storm',
    play: udpBlocked(0),
  },
  {
    ...viaTurn('turn-only', 'easy × easy, one player turn-only', [
      { ...one('easy'), turnOnly: true },
      one('easy'),
    ]),
    promise: 'turn; the turn-only player signals relay candidates only',
    expectation: { ...onTurn, relayCandidatesOnlyFrom: (name) => name.startsWith('turnonly') },
    rounds: 1,
  },
  {
    ...viaTurn('turn-then-direct', 'easy × easy, TURN, direct path blocked for the first 5 s', [
      one('easy'),
      one('easy'),
    ]),
    promise: 'turn at once; direct again after the path opens; nothing lost across relay → turn → direct',
    expectation: onDirect,
    play: turnThenDirect(),
    rounds: 1,
    prepare: async (lab) => {
      const [a, b] = lab.routers.map((router) => router.wanAddress) as [string, string];
      await blackhole(lab.pub, a, b);
    },
  },
  lossyHardPair('relay'),
  lossyHardPair('turn'),
];
