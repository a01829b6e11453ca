import { TURN_LANE_DELAY_MS } from '@handoff/transport';
import type { PeerReport, PlayerEvent } from './player-messages.js';

/** A path a pair must end on. */
export type ExpectedPath = 'direct' | 'turn' | 'relay' | 'turn or direct' | 'any';

/** A player's final report. */
export type PlayerReport = Extract<PlayerEvent, { type: 'report' }>;

/** What a scenario demands of every pair at the end. */
export interface Expectation {
  /**
   * The path every pair must end on; `any` when either is fine (the session
   * just has to survive); or, in a mixed room, a function of the two
   * players' names.
   */
  path: ExpectedPath | ((a: string, b: string) => ExpectedPath);
  /** Share of the positions sent that must arrive (unreliable: loss and switches may cost a few). */
  minPositionShare: number;
  /** Longest allowed silence in a peer's positions while playing, ms ("playing normally"). */
  maxPositionGapMs: number;
  /** No datagram may go over TURN when the pair was direct before its TURN lane opened (TURN unused). */
  noTurnTraffic?: boolean;
  /** Players (by name) that must signal relay candidates only, and at least one (`direct: 'turn-only'`). */
  relayCandidatesOnlyFrom?: (name: string) => boolean;
}

/** One pair's observed outcome, with both directions folded together. */
export interface PairOutcome {
  players: [string, string];
  /** Final path seen by each side. */
  paths: [PeerReport['path'], PeerReport['path']];
  /** The later of the two sides' time to direct, ms (undefined: never direct). */
  timeToDirectMs: number | undefined;
  chatSent: number;
  chatReceived: number;
  positionsSent: number;
  positionsReceived: number;
  /** One-way position delay on the final path, the worse direction: p50, p99 and most, ms. */
  positionDelayMs: { p50: number; p99: number; max: number } | undefined;
}

/** Everything the checks found. */
export interface CheckResult {
  pairs: PairOutcome[];
  failures: string[];
}

/**
 * Checks the players' final reports against an expectation: every chat
 * message arrived exactly once and in order (the receiver saw ids 0..n−1 as
 * one unbroken run and n equals what the sender sent), positions never went
 * backwards and kept flowing, the lobby connections never dropped, and every
 * pair ended on the expected path. Pure.
 */
export function checkReports(reports: readonly PlayerReport[], expectation: Expectation): CheckResult {
  const failures: string[] = [];
  const pairs: PairOutcome[] = [];
  const byId = new Map(reports.map((report) => [report.playerId, report]));
  for (const report of reports) {
    if (report.lobbyDrops > 0)
      failures.push(`${report.name}: lobby connection dropped ${report.lobbyDrops}×`);
    if (report.peers.length !== reports.length - 1)
      failures.push(`${report.name}: knows ${report.peers.length} peers, expected ${reports.length - 1}`);
  }
  for (const [i, a] of reports.entries()) {
    for (const b of reports.slice(i + 1)) {
      const ab = a.peers.find((peer) => peer.peerId === b.playerId);
      const ba = b.peers.find((peer) => peer.peerId === a.playerId);
      if (ab === undefined || ba === undefined) {
        failures.push(`${a.name}/${b.name}: the pair never met`);
        continue;
      }
      for (const [from, to, seen] of [
        [a, b, ba],
        [b, a, ab],
      ] as const) {
        const sent = from.peers.find((peer) => peer.peerId === to.playerId)?.chatSent ?? 0;
        const label = `${from.name}→${to.name}`;
        if (seen.chatReceived !== sent)
          failures.push(`${label}: ${sent} chat messages sent, ${seen.chatReceived} received`);
        for (const anomaly of seen.chatAnomalies) failures.push(`${label}: ${anomaly}`);
        if (seen.positionsBackwards > 0)
          failures.push(`${label}: ${seen.positionsBackwards} positions went backwards`);
        const positionsSent = from.peers.find((peer) => peer.peerId === to.playerId)?.positionsSent ?? 0;
        if (seen.positionsReceived < positionsSent * expectation.minPositionShare)
          failures.push(
            `${label}: ${seen.positionsReceived}/${positionsSent} positions arrived (< ${expectation.minPositionShare * 100}%)`,
          );
        if (seen.longestPositionGapMs > expectation.maxPositionGapMs)
          failures.push(
            `${label}: positions stopped for ${seen.longestPositionGapMs} ms (> ${expectation.maxPositionGapMs})`,
          );
        // A pair that was direct before its TURN lane opened never touches TURN; a slower one (a
        // DTLS retransmit) may have played on TURN meanwhile, which is the TURN lane's point.
        const turnDatagrams = seen.datagramsIn.turn + seen.datagramsOut.turn;
        if (
          expectation.noTurnTraffic === true &&
          turnDatagrams > 0 &&
          (seen.timeToDirectMs === undefined || seen.timeToDirectMs <= TURN_LANE_DELAY_MS)
        )
          failures.push(`${label}: ${turnDatagrams} datagrams over TURN`);
        if (expectation.relayCandidatesOnlyFrom?.(from.name) === true) {
          const leaked = seen.candidateTypes.find((type) => type !== 'relay');
          if (leaked !== undefined)
            failures.push(`${label}: signalled a ${leaked} candidate (turn-only: relay only)`);
          else if (seen.candidateTypes.length === 0) failures.push(`${label}: signalled no relay candidate`);
        }
      }
      const expected =
        typeof expectation.path === 'function' ? expectation.path(a.name, b.name) : expectation.path;
      for (const [viewer, view] of [
        [a, ab],
        [b, ba],
      ] as const) {
        const allowed = expected === 'turn or direct' ? ['turn', 'direct'] : [expected];
        if (expected !== 'any' && !allowed.includes(view.path))
          failures.push(`${viewer.name}: ended on ${view.path} to ${view.peerName}, expected ${expected}`);
      }
      const sides = [ab.timeToDirectMs, ba.timeToDirectMs];
      pairs.push({
        players: [a.name, b.name],
        paths: [ab.path, ba.path],
        timeToDirectMs: sides.some((side) => side === undefined)
          ? undefined
          : Math.max(...(sides as number[])),
        chatSent: ab.chatSent + ba.chatSent,
        chatReceived: ab.chatReceived + ba.chatReceived,
        positionsSent: ab.positionsSent + ba.positionsSent,
        positionsReceived: ab.positionsReceived + ba.positionsReceived,
        positionDelayMs: worseDelay(ab.positionDelayMs, ba.positionDelayMs),
      });
    }
  }
  if (byId.size !== reports.length) failures.push('two players reported the same id');
  return { pairs, failures };
}

/** The worse (per figure) of two directions' delays; undefined when either is unknown. */
function worseDelay(
  a: PeerReport['positionDelayMs'],
  b: PeerReport['positionDelayMs'],
): PairOutcome['positionDelayMs'] {
  if (a === undefined || b === undefined) return undefined;
  return { p50: Math.max(a.p50, b.p50), p99: Math.max(a.p99, b.p99), max: Math.max(a.max, b.max) };
}
