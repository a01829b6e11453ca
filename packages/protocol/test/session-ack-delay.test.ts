import { describe, expect, it } from 'vitest';
import { type ChannelDefinition, Session } from '../src/session/index.js';

const CHANNELS: ChannelDefinition[] = [
  { name: 'chat', kind: 'reliable-ordered' },
  { name: 'pos', kind: 'unreliable-sequenced' },
];

/** A sender and a receiver that delays acks as a room does (40 ms); pacing off. */
function pair() {
  const a = new Session({ channels: CHANNELS, sendRate: false }, { message: () => {} });
  const b = new Session(
    { channels: CHANNELS, sendRate: false, ackDelayMs: 40, maxAckDelayMs: 40 },
    { message: () => {} },
  );
  /** `a` sends one datagram with `channel`'s message; `b` receives it at `now`. */
  const arrive = (channel: 'chat' | 'pos', now: number): void => {
    a.send(channel, Uint8Array.of(1));
    const datagrams = a.poll(now);
    expect(datagrams).toHaveLength(1);
    for (const datagram of datagrams) expect(b.receive(datagram, now)).toBeUndefined();
  };
  return { b, arrive };
}

describe('delayed acknowledgements (ackDelayMs)', () => {
  it('a position and a chat line wait for data to ride on, up to the ack delay (#11: no ack-only relay frame)', () => {
    const { b, arrive } = pair();
    arrive('pos', 0);
    arrive('chat', 5);
    expect(b.poll(10)).toEqual([]);
    expect(b.poll(39)).toEqual([]);
    expect(b.poll(40)).toHaveLength(1); // the delay, counted from the first packet, bounds the wait
  });

  it('two positions in one send interval (a peer that ticks faster) wait too', () => {
    const { b, arrive } = pair();
    arrive('pos', 0);
    arrive('pos', 3);
    expect(b.poll(10)).toEqual([]);
    b.send('pos', Uint8Array.of(2));
    const [datagram, ...rest] = b.poll(20);
    expect(rest).toEqual([]);
    expect(datagram![0]! & 0x20).toBe(0x20); // the ack rides on the position
  });

  it('two packets of reliable data are acknowledged at once (a burst or a retransmission is not held back)', () => {
    const { b, arrive } = pair();
    arrive('chat', 0);
    arrive('pos', 1);
    arrive('chat', 2);
    expect(b.poll(3)).toHaveLength(1);
  });

  it('a long run of unreliable packets is acknowledged at once, well within what one ack block describes', () => {
    const { b, arrive } = pair();
    for (let i = 0; i < 31; i++) arrive('pos', i / 10);
    expect(b.poll(4)).toEqual([]);
    arrive('pos', 4);
    expect(b.poll(5)).toHaveLength(1);
  });
});
