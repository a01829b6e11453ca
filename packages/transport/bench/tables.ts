/**
 * Turns the transport suite's results into comparison tables: medians and
 * min–max over repetitions, the raw baseline first, and each target with a
 * MET / MISSED verdict in the notes.
 */

import type { BenchRow, BenchTable } from '../../../bench/harness.js';
import { percentile, type Spread, spread, spreadColumns } from '../../../bench/harness.js';
import { histogram } from '../../../bench/svg-chart.js';
import type { TransportBenchConfig } from './bench-config.js';
import type { ConnectTimes } from './connect-times.js';
import type { RunsByName } from './contenders.js';
import { DIRECT_ROWS, type DirectPathResults } from './direct-path.js';
import type { PingPongResult } from './ping-pong.js';
import { RELAY_ROWS, type RelayPathResults } from './relay-path.js';
import type { ThroughputResult } from './throughput.js';

const TIME_TO_DIRECT_P90_TARGET_MS = 100;
const RTT_TARGET_RATIO = 1.1;
const THROUGHPUT_TARGET_RATIO = 0.8;
const IN_PROCESS =
  'Everything runs in one Node process on loopback (both players, the lobby or raw server, both peer connections): fine for side-by-side ratios; absolute numbers include sharing one event loop.';

const verdict = (met: boolean): string => (met ? 'MET' : 'MISSED');

function timesRow(name: string, values: readonly number[]): BenchRow {
  return {
    name,
    values: {
      'p50 ms': percentile(values, 50),
      'p90 ms': percentile(values, 90),
      'max ms': Math.max(...values),
      'min ms': Math.min(...values),
      tries: values.length,
    },
  };
}

/** Table 1: time to first message (relay) and time to direct, vs a raw data channel opening. */
export function connectTable(times: ConnectTimes): BenchTable {
  const rawName = 'raw node-datachannel pair open (in-process signaling, no lobby)';
  const p90 = percentile(times.timeToDirectMs, 90);
  return {
    title: `connecting a fresh pair on loopback (${times.timeToDirectMs.length} fresh pairs, one lobby)`,
    baseline: rawName,
    ratioOf: 'p50 ms',
    higherIsBetter: false,
    rows: [
      timesRow(rawName, times.rawOpenMs),
      timesRow('handoff: first chat message (relay)', times.firstMessageMs),
      timesRow('handoff: time to direct (stats.timeToDirectMs)', times.timeToDirectMs),
    ],
    charts: [
      {
        file: 'time-to-direct.svg',
        title: 'Time to direct on loopback, distribution',
        svg: histogram({
          title: `Time to direct on loopback (${times.timeToDirectMs.length} fresh pairs)`,
          xLabel: 'ms from the peer being known to the validated direct link',
          values: times.timeToDirectMs,
          bins: 20,
        }),
      },
    ],
    notes: [
      `Target: time to direct p90 ≤ ${TIME_TO_DIRECT_P90_TARGET_MS} ms on loopback — ${verdict(p90 <= TIME_TO_DIRECT_P90_TARGET_MS)} (p90 ${p90.toFixed(1)} ms; the test suite measured p50 ≈ 57 ms, p90 ≈ 60 ms).`,
      "First message: from bob's `joinRoom` resolving (alice already in `bob.peers`) to alice hearing bob's first `chat` message, which goes over the relay at once. " +
        `First messages that did not arrive over the relay: ${times.firstNotOnRelay}.`,
      "Time to direct: alice's `stats(bob).timeToDirectMs` — from bob becoming known (presence) to the direct link validated by the pair-nonce proof (offer/answer and candidates through the lobby, ICE, DTLS, SCTP, proof exchange). " +
        'Raw open: two node-datachannel `RTCPeerConnection`s signaled by direct function calls, created → both data channel ends open (the floor without lobby round trips or validation). ' +
        'Percentiles (nearest rank) over all tries; a new pair of clients and a new room per try; one untimed warm-up pair first. ' +
        'Both hold trickled candidates until the answer is applied; a raw max near 1 s is a DTLS/SCTP handshake retransmit when in-process signaling races the handshake.',
    ],
  };
}

function rttRow(name: string, runs: readonly PingPongResult[]): BenchRow {
  const of = (p: number): number[] => runs.map((run) => percentile(run.rttsUs, p));
  return {
    name,
    values: {
      ...spreadColumns('p50 µs', of(50)),
      'p90 µs': spread(of(90)).median,
      'p99 µs': spread(of(99)).median,
      lost: runs.reduce((sum, run) => sum + run.lost, 0),
    },
  };
}

function rttRows(runs: RunsByName<PingPongResult>): BenchRow[] {
  return [...runs].map(([name, each]) => rttRow(name, each));
}

/** Per-repetition ratio of p50s (both measured back to back in the same repetition): median and range. */
function pairedRatio(runs: RunsByName<PingPongResult>, name: string, baseline: string): Spread {
  const own = runs.get(name) ?? [];
  const base = runs.get(baseline) ?? [];
  const ratios = own.map((run, i) => percentile(run.rttsUs, 50) / percentile(base[i]?.rttsUs ?? [], 50));
  return spread(ratios);
}

const formatRatio = (ratio: Spread): string =>
  `${ratio.median.toFixed(2)}×, per-repetition range ${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)}×`;

function method(config: TransportBenchConfig): string {
  return `${config.rttRepetitions} repetition(s) × ${config.pings} timed round trips (after ${config.warmupPings} untimed) of a ${config.pingBytes}-byte ping, one in flight, the next sent from the pong handler; contenders alternate order per repetition. p50 µs: median over repetitions of each repetition's median, with min–max; p90/p99: median over repetitions. Lost: no pong within ${config.pingTimeoutMs} ms.`;
}

/** Table 2: RTT on the direct path vs raw node-datachannel. */
export function directRttTable(results: DirectPathResults, config: TransportBenchConfig): BenchTable {
  const ratio = pairedRatio(results.rtt, DIRECT_ROWS.unreliable, DIRECT_ROWS.raw);
  const reliable = pairedRatio(results.rtt, DIRECT_ROWS.reliable, DIRECT_ROWS.raw);
  return {
    title: 'direct-path RTT, game level (ping-pong between two players)',
    baseline: DIRECT_ROWS.raw,
    ratioOf: 'p50 µs',
    higherIsBetter: false,
    rows: rttRows(results.rtt),
    notes: [
      `Target: handoff (unreliable) p50 ≤ ${RTT_TARGET_RATIO}× raw — ${verdict(ratio.median <= RTT_TARGET_RATIO)} (paired ratio ${formatRatio(ratio)}; reliable-ordered ${formatRatio(reliable)}). The paired ratio compares p50s measured back to back in the same repetition, which cancels most drift between repetitions.`,
      `Handoff: \`room.send\` → \`message\` event → \`room.send\` back → \`message\` event; every datagram over the validated direct data channel (relay datagrams sent meanwhile: ${results.relayDatagramsWhileMeasuring}; path at the end: ${results.pathAtEnd}). Raw: \`channel.send\` → \`onmessage\` → \`send\` back.`,
      method(config),
      IN_PROCESS,
    ],
  };
}

function throughputRow(name: string, runs: readonly ThroughputResult[], messageBytes: number): BenchRow {
  const rates = runs.map((run) => run.delivered / run.seconds);
  return {
    name,
    values: {
      ...spreadColumns('msgs/s', rates),
      'payload MB/s': (spread(rates).median * messageBytes) / 1e6,
      'delivered %': spread(runs.map((run) => (100 * run.delivered) / Math.max(1, run.offered))).median,
      stalls: runs.reduce((sum, run) => sum + run.stalls, 0),
    },
  };
}

/** Table 3: one-way throughput of 1,000-byte unreliable messages on the direct path vs raw. */
export function directThroughputTable(results: DirectPathResults, config: TransportBenchConfig): BenchTable {
  const { messageBytes, maxInFlight, measureMs, warmupMs, stallMs } = config.throughput;
  const rows = [...results.throughput].map(([name, runs]) => throughputRow(name, runs, messageBytes));
  const rates = (name: string): number[] =>
    (results.throughput.get(name) ?? []).map((run) => run.delivered / run.seconds);
  const raw = rates(DIRECT_ROWS.raw);
  const ratio = spread(rates(DIRECT_ROWS.unreliable).map((rate, i) => rate / (raw[i] ?? Number.NaN)));
  return {
    title: `direct-path throughput, ${messageBytes}-byte unreliable messages, one way`,
    baseline: DIRECT_ROWS.raw,
    ratioOf: 'msgs/s',
    higherIsBetter: true,
    rows,
    notes: [
      `Target: handoff ≥ ${THROUGHPUT_TARGET_RATIO}× raw delivered msgs/s — ${verdict(ratio.median >= THROUGHPUT_TARGET_RATIO)} (paired ratio ${formatRatio(ratio)}: each repetition's handoff rate over the raw rate measured next to it).`,
      `Bounded offered load: every event-loop turn the sender tops up to ${maxInFlight} messages in flight (sent, not yet delivered); messages missing for ${stallMs} ms are written off (a stall). Rates are delivered messages / window (${measureMs} ms after ${warmupMs} ms warm-up), ${config.repetitions} repetition(s), median with min–max; delivered % = delivered / sent in the window. Payload MB/s = msgs/s × ${messageBytes} B (10^6 B).`,
      `Handoff wire bytes on the direct path per message sent: ${results.handoffWireBytesPerMessage.toFixed(1)} (session header and framing, heartbeats; acknowledgements flow the other way).`,
      IN_PROCESS,
    ],
  };
}

/** Table 4: RTT on the relay path vs raw ws round trips. */
export function relayRttTable(results: RelayPathResults, config: TransportBenchConfig): BenchTable {
  const vsForward = pairedRatio(results.rtt, RELAY_ROWS.unreliable, RELAY_ROWS.forward);
  const vsEcho = pairedRatio(results.rtt, RELAY_ROWS.unreliable, RELAY_ROWS.echo);
  return {
    title: "relay-path RTT, game level (privacy mode: direct 'never')",
    baseline: RELAY_ROWS.echo,
    ratioOf: 'p50 µs',
    higherIsBetter: false,
    rows: rttRows(results.rtt),
    notes: [
      `No target. The relay necessarily crosses the lobby twice per round trip (A → lobby → B, B → lobby → A: four WebSocket hops), the echo baseline once (two hops): handoff unreliable p50 = ${formatRatio(vsEcho)} raw echo; ${formatRatio(vsForward)} the raw two-hop forwarding server (same shape as the relay, no protocol).`,
      `Handoff datagrams sent on a direct path: ${results.directDatagrams} (privacy mode: none). The lobby runs with rate limits raised out of the way (1e6 msgs/s, 1e9 B/s).`,
      method(config),
      IN_PROCESS,
    ],
  };
}
