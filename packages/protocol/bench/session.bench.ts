import type { BenchOptions, BenchTable } from '../../../bench/harness.js';
import { median } from '../../../bench/harness.js';
import { type ChannelKind, Session } from '../src/session/index.js';
import { NACK_LENGTHS } from '../src/session/wire-format.js';
import { LinkSimulator } from '../src/testing/index.js';

const MESSAGE_BYTES = 16;
const PER_TICK = 200;

/**
 * The floor: length-prefixed messages packed into 1200-byte datagrams and
 * unpacked again, with no acks, ordering, dedupe or retransmission.
 */
function rawFraming(total: number): number {
  const message = new Uint8Array(MESSAGE_BYTES).fill(7);
  let delivered = 0;
  const start = performance.now();
  for (let sent = 0; sent < total; ) {
    const datagram = new Uint8Array(1200);
    let offset = 0;
    while (sent < total && offset + 1 + MESSAGE_BYTES <= 1200) {
      datagram[offset++] = MESSAGE_BYTES;
      datagram.set(message, offset);
      offset += MESSAGE_BYTES;
      sent++;
    }
    const copy = datagram.slice(0, offset);
    for (let read = 0; read < copy.length; ) {
      const length = copy[read++]!;
      if (copy.subarray(read, read + length).length === length) delivered++;
      read += length;
    }
  }
  const elapsed = performance.now() - start;
  if (delivered !== total) throw new Error('raw framing lost messages');
  return (total * 1000) / elapsed;
}

interface SessionRun {
  messagesPerSecond: number;
  headerBytes: number;
  bytesPerMessage: number;
}

function sessionThroughput(kind: ChannelKind, loss: number, total: number): SessionRun {
  const channels = [{ name: 'c', kind }];
  // The engine's own cost per message: pacing off (its simulated time would only slow the drain).
  let delivered = 0;
  const a = new Session(
    { channels, reliableWindow: 4096, reliableWindowBytes: 1 << 20, sendRate: false },
    { message: () => {} },
  );
  const b = new Session(
    { channels, reliableWindow: 4096, reliableWindowBytes: 1 << 20, sendRate: false },
    { message: () => void delivered++ },
  );
  const link = new LinkSimulator({ paths: { p: { latencyMs: 1, loss } }, active: 'p', seed: 9 });
  const message = new Uint8Array(MESSAGE_BYTES).fill(7);
  let headerBytes = 0;
  let datagrams = 0;
  let sent = 0;
  const start = performance.now();
  const reliable = kind.startsWith('reliable');
  for (let now = 0; now < 1e7; now++) {
    for (let i = 0; i < PER_TICK && sent < total; i++, sent++) a.send(0, message);
    for (const d of link.deliver('b', now)) b.receive(d, now);
    for (const d of link.deliver('a', now)) a.receive(d, now);
    for (const d of a.poll(now)) {
      headerBytes += headerSize(d);
      datagrams++;
      link.send('a', d, now);
    }
    for (const d of b.poll(now)) link.send('b', d, now);
    if (sent === total && (reliable ? a.idle && delivered === total : link.nextArrival() === Infinity)) break;
  }
  const elapsed = performance.now() - start;
  if (reliable && delivered !== total) throw new Error(`lost reliable messages: ${delivered}/${total}`);
  return {
    messagesPerSecond: (delivered * 1000) / elapsed,
    headerBytes: headerBytes / datagrams,
    bytesPerMessage: a.stats().bytesSent / total,
  };
}

function headerSize(datagram: Uint8Array): number {
  const flags = datagram[0]!;
  if ((flags & 0x20) === 0) return 3;
  let offset = 5;
  for (let varints = 0; varints < 2; varints++) while (datagram[offset++]! >= 0x80);
  return offset + NACK_LENGTHS[(flags >> 2) & 7]!;
}

function best(runs: SessionRun[]): SessionRun {
  return {
    messagesPerSecond: median(runs.map((r) => r.messagesPerSecond)),
    headerBytes: median(runs.map((r) => r.headerBytes)),
    bytesPerMessage: median(runs.map((r) => r.bytesPerMessage)),
  };
}

/** Session engine throughput, end to end through the link simulator. */
export default function sessionBench(options: BenchOptions): BenchTable[] {
  const total = options.quick ? 20_000 : 1_000_000;
  const rounds = options.quick ? 1 : 5;
  const repeat = (fn: () => SessionRun): SessionRun => {
    fn(); // warm-up
    return best(Array.from({ length: rounds }, fn));
  };
  const raw = median(Array.from({ length: rounds }, () => rawFraming(total)));
  const rows: [string, SessionRun][] = [
    ['handoff reliable-ordered', repeat(() => sessionThroughput('reliable-ordered', 0, total))],
    ['handoff reliable-ordered, 10% loss', repeat(() => sessionThroughput('reliable-ordered', 0.1, total))],
    ['handoff unreliable-sequenced', repeat(() => sessionThroughput('unreliable-sequenced', 0, total))],
  ];
  return [
    {
      title: `session engine: ${MESSAGE_BYTES}-byte messages end to end through the simulator`,
      baseline: 'raw length-prefixed framing (no reliability)',
      ratioOf: 'msgs/s',
      higherIsBetter: true,
      rows: [
        { name: 'raw length-prefixed framing (no reliability)', values: { 'msgs/s': raw } },
        ...rows.map(([name, run]) => ({
          name,
          values: {
            'msgs/s': run.messagesPerSecond,
            'header B/datagram': run.headerBytes,
            'wire B/msg': run.bytesPerMessage,
          },
        })),
      ],
      notes: [
        `Target: ≥ 1M small messages/s without loss. ${total.toLocaleString('en')} messages, ${PER_TICK} per tick, acks both ways, 1 ms simulated latency.`,
      ],
    },
  ];
}
