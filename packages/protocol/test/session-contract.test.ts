import { describe, expect, it } from 'vitest';
import {
  HandoffError,
  InvalidOptionError,
  MessageTooLargeError,
  ReceiveWindowExceededError,
  SendQueueFullError,
  UnknownChannelError,
} from '../src/errors.js';
import { type ChannelDefinition, Session, type SessionOptions } from '../src/session/index.js';
import { LinkSimulator, runSessions } from '../src/testing/index.js';

const CHANNELS: ChannelDefinition[] = [
  { name: 'chat', kind: 'reliable-ordered' },
  { name: 'pos', kind: 'unreliable-sequenced' },
  { name: 'fx', kind: 'unreliable' },
  { name: 'events', kind: 'reliable-unordered' },
];

/** Two sessions; pacing is off unless asked for (these tests pin framing and delivery; session-pacing.test.ts pins pacing). */
function pair(options: Partial<SessionOptions> = {}) {
  options = { sendRate: false, ...options };
  const inbox: { a: [number, Uint8Array][]; b: [number, Uint8Array][] } = { a: [], b: [] };
  const tokens: { a: [number, number][]; b: [number, number][] } = { a: [], b: [] };
  const a = new Session(
    { channels: CHANNELS, ...options },
    { message: (c, p) => inbox.a.push([c, p.slice()]), delivered: (c, t) => tokens.a.push([c, t]) },
  );
  const b = new Session(
    { channels: CHANNELS, ...options },
    { message: (c, p) => inbox.b.push([c, p.slice()]), delivered: (c, t) => tokens.b.push([c, t]) },
  );
  /** Moves everything both ways, perfectly, `rounds` times. */
  const exchange = (now: number, rounds = 1): void => {
    for (let r = 0; r < rounds; r++) {
      for (const d of a.poll(now)) expect(b.receive(d, now)).toBeUndefined();
      for (const d of b.poll(now)) expect(a.receive(d, now)).toBeUndefined();
    }
  };
  return { a, b, inbox, tokens, exchange };
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('session contract', () => {
  it('merges several messages into one datagram with a 3-byte header before any ack', () => {
    const { a } = pair();
    a.send('chat', bytes(1, 2, 3));
    a.send('pos', bytes(4, 5));
    a.send('fx', bytes(6));
    const datagrams = a.poll(0);
    expect(datagrams).toHaveLength(1);
    // header 3 + reliable frame (1+2+1+3) + unreliable frames (1+1+2) + (1+1+1)
    expect(datagrams[0]!.length).toBe(3 + 7 + 4 + 3);
  });

  it('acknowledges with a 7-byte header when nothing is missing', () => {
    const { a, b } = pair();
    a.send('fx', bytes(1));
    for (const d of a.poll(0)) b.receive(d, 0);
    const ack = b.poll(1);
    expect(ack).toHaveLength(1);
    expect(ack[0]!.length).toBe(7); // flags, seq, largest, ack delay, coverage (1 byte each), no NACK bytes
  });

  it('never emits a datagram larger than maxDatagramSize', () => {
    const { a, b } = pair({ maxDatagramSize: 300, fragmentSize: 200 });
    for (let i = 0; i < 50; i++) a.send('chat', new Uint8Array(i * 37));
    for (let i = 0; i < 50; i++) a.send('pos', new Uint8Array(i * 5));
    for (let now = 0; now < 100; now++) {
      for (const d of a.poll(now)) {
        expect(d.length).toBeLessThanOrEqual(300);
        b.receive(d, now);
      }
      for (const d of b.poll(now)) a.receive(d, now);
    }
    expect(a.idle).toBe(true);
  });

  it('rejects an unreliable message that does not fit one datagram with a clear error', () => {
    const { a } = pair();
    const error = catchError(() => a.send('pos', new Uint8Array(1190)));
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect(error.name).toBe('MessageTooLargeError');
    expect(error.message).toMatch(/does not fit one datagram/);
  });

  it('fragments reliable messages up to maxMessageSize and rejects larger ones', () => {
    const { a, b, inbox, exchange } = pair();
    const big = Uint8Array.from({ length: 65536 }, (_, i) => i & 0xff);
    a.send('chat', big);
    expect(catchError(() => a.send('chat', new Uint8Array(65537)))).toBeInstanceOf(MessageTooLargeError);
    const datagrams = a.poll(0);
    expect(datagrams.length).toBe(64);
    for (const d of datagrams) b.receive(d, 0);
    expect(inbox.b).toHaveLength(1);
    expect(inbox.b[0]![1]).toEqual(big);
    exchange(1);
    expect(a.idle).toBe(true);
  });

  it('signals back-pressure with SendQueueFullError and loses nothing', () => {
    const { a, b, inbox, exchange } = pair({ maxPendingReliableMessages: 10 });
    for (let i = 0; i < 10; i++) a.send('chat', bytes(i));
    const error = catchError(() => a.send('chat', bytes(10)));
    expect(error).toBeInstanceOf(SendQueueFullError);
    expect(a.stats().pendingReliableMessages).toBe(10);
    exchange(0, 2);
    expect(a.stats().pendingReliableMessages).toBe(0);
    a.send('chat', bytes(10)); // room again after acknowledgements
    exchange(1, 2);
    expect(inbox.b.map(([, p]) => p[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(b.stats().messagesReceived).toBe(11);
  });

  it('limits reliable messages in flight to the window', () => {
    const { a } = pair({ reliableWindow: 8 });
    for (let i = 0; i < 20; i++) a.send('chat', bytes(i));
    const sent = a.poll(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.length).toBe(3 + 8 * 5);
  });

  it('throws UnknownChannelError for undeclared channels', () => {
    const { a } = pair();
    expect(catchError(() => a.send('nope', bytes(1)))).toBeInstanceOf(UnknownChannelError);
    expect(catchError(() => a.send(9, bytes(1)))).toBeInstanceOf(UnknownChannelError);
  });

  it('validates options with InvalidOptionError', () => {
    expect(catchError(() => new Session({ channels: [] }, { message: () => {} }))).toBeInstanceOf(
      InvalidOptionError,
    );
    expect(
      catchError(() => new Session({ channels: CHANNELS, maxDatagramSize: 10 }, { message: () => {} })),
    ).toBeInstanceOf(InvalidOptionError);
    const twice = [CHANNELS[0]!, CHANNELS[0]!];
    expect(catchError(() => new Session({ channels: twice }, { message: () => {} }))).toBeInstanceOf(
      InvalidOptionError,
    );
  });

  it('reports delivery tokens for reliable and unreliable messages once acknowledged', () => {
    const { a, tokens, exchange } = pair();
    a.send('chat', bytes(1), 7);
    a.send('pos', bytes(2), 8);
    a.send('fx', bytes(3)); // no token
    exchange(0, 2);
    expect(tokens.a.sort()).toEqual([
      [0, 7],
      [1, 8],
    ]);
  });

  it('measures RTT from acknowledgements, net of the ack delay', () => {
    const a = new Session({ channels: CHANNELS }, { message: () => {} });
    const b = new Session({ channels: CHANNELS }, { message: () => {} });
    const link = new LinkSimulator({ paths: { p: { latencyMs: 40 } }, active: 'p' });
    runSessions({ a, b, link, untilMs: 2000, tickMs: 5, onTick: () => a.ping() });
    const stats = a.stats();
    expect(stats.rttSamples).toBeGreaterThan(50);
    expect(stats.rttMs).toBeGreaterThanOrEqual(79);
    expect(stats.rttMs).toBeLessThanOrEqual(86);
    expect(stats.lossRate).toBe(0);
  });

  it('on a path change resets RTT and re-sends every unacknowledged reliable message at once', () => {
    const { a, b, inbox } = pair();
    a.ping();
    for (const d of a.poll(0)) b.receive(d, 0);
    for (const d of b.poll(50)) a.receive(d, 50);
    expect(a.stats().rttSamples).toBe(1);
    for (let i = 0; i < 5; i++) a.send('chat', bytes(i));
    a.poll(60); // lost on the old path
    a.pathChanged(61);
    expect(a.stats().rttSamples).toBe(0);
    const resent = a.poll(61);
    expect(resent).toHaveLength(1);
    for (const d of resent) b.receive(d, 62);
    expect(inbox.b.map(([, p]) => p[0])).toEqual([0, 1, 2, 3, 4]);
    expect(a.stats().retransmissions).toBe(5);
  });

  it('takes no RTT sample from a packet sent on the old path', () => {
    const { a, b } = pair();
    a.ping();
    const onOldPath = a.poll(0);
    a.pathChanged(10);
    // The old path is slow: its packet's ack comes back long after the switch.
    for (const d of onOldPath) b.receive(d, 400);
    for (const d of b.poll(400)) a.receive(d, 401);
    expect(a.stats().rttSamples).toBe(0);
    a.ping();
    for (const d of a.poll(401)) b.receive(d, 402);
    for (const d of b.poll(402)) a.receive(d, 403);
    expect(a.stats().rttSamples).toBe(1);
    expect(a.stats().latestRttMs).toBeLessThanOrEqual(2);
  });

  it('drops duplicates that arrive over both paths after a switch', () => {
    const { a, b, inbox } = pair();
    for (let i = 0; i < 5; i++) a.send('chat', bytes(i));
    const oldPath = a.poll(0);
    a.pathChanged(1);
    const newPath = a.poll(1);
    for (const d of newPath) b.receive(d, 2);
    for (const d of oldPath) b.receive(d, 30); // the old path delivers late
    expect(inbox.b.map(([, p]) => p[0])).toEqual([0, 1, 2, 3, 4]);
  });

  it('survives 16-bit wrap-around of packet sequences and message ids', () => {
    const { a, b, inbox } = pair();
    let got = 0;
    let expected = 0;
    for (let now = 0; now < 70_000; now++) {
      a.send('chat', bytes(now & 0xff));
      a.send('pos', bytes(now & 0xff));
      for (const d of a.poll(now)) b.receive(d, now);
      for (const d of b.poll(now)) a.receive(d, now);
      for (const [channel, p] of inbox.b) {
        if (channel === 0) {
          expect(p[0]).toBe(expected & 0xff);
          expected++;
        }
        got++;
      }
      inbox.b.length = 0;
    }
    expect(expected).toBe(70_000);
    expect(got).toBe(140_000);
    expect(a.stats().packetsSent).toBeGreaterThan(65_536);
  });

  it('rejects reliable data beyond the receive window without changing state', () => {
    const { a, b, inbox } = pair({ reliableWindow: 4 });
    // Forge a datagram from a sender that ignores the window: message id 10 on channel 0.
    const forged = bytes(0x40, 0, 0, 0x20, 0, 10, 1, 99);
    const error = b.receive(forged, 0);
    expect(error).toBeInstanceOf(ReceiveWindowExceededError);
    expect(b.stats().packetsReceived).toBe(0);
    a.send('chat', bytes(1));
    for (const d of a.poll(1)) expect(b.receive(d, 1)).toBeUndefined();
    expect(inbox.b).toHaveLength(1);
  });

  it('ping makes an ack-eliciting datagram even with nothing queued', () => {
    const { a, b } = pair();
    expect(a.poll(0)).toHaveLength(0);
    a.ping();
    const datagrams = a.poll(0);
    expect(datagrams).toHaveLength(1);
    for (const d of datagrams) b.receive(d, 0);
    expect(b.poll(1)).toHaveLength(1); // b acknowledges it
  });

  it('propagates a handler exception only after applying the whole datagram', () => {
    const received: number[] = [];
    const a = new Session({ channels: CHANNELS }, { message: () => {} });
    const b = new Session(
      { channels: CHANNELS },
      {
        message: (_c, p) => {
          received.push(p[0]!);
          if (p[0] === 1) throw new Error('game bug');
        },
      },
    );
    for (let i = 0; i < 3; i++) a.send('chat', bytes(i));
    const [datagram] = a.poll(0);
    expect(() => b.receive(datagram!, 0)).toThrow('game bug');
    expect(received).toEqual([0, 1, 2]);
    expect(b.stats().messagesReceived).toBe(3);
  });

  it('reports every error as a HandoffError with a stable name and code', () => {
    const { b } = pair();
    const error = b.receive(bytes(0x80, 0, 0), 0);
    expect(error).toBeInstanceOf(HandoffError);
    expect(error?.name).toBe('UnsupportedVersionError');
    expect(error?.code).toBe(9);
  });
});

function catchError(fn: () => unknown): HandoffError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HandoffError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('stale sequenced messages', () => {
  it('are not delivered but are handed to the stale handler (their packets are acknowledged)', () => {
    const delivered: number[] = [];
    const stale: number[] = [];
    const a = new Session({ channels: CHANNELS }, { message: () => {} });
    const b = new Session(
      { channels: CHANNELS },
      { message: (c, p) => c === 1 && delivered.push(p[0]!), stale: (c, p) => c === 1 && stale.push(p[0]!) },
    );
    a.send('pos', Uint8Array.of(1));
    const [older] = a.poll(0);
    a.send('pos', Uint8Array.of(2));
    const [newer] = a.poll(1);
    b.receive(newer!, 2);
    b.receive(older!, 3);
    expect(delivered).toEqual([2]);
    expect(stale).toEqual([1]);
  });
});
