import { describe, expect, it } from 'vitest';
import { type ChannelDefinition, Session } from '../src/session/index.js';

/**
 * Golden byte vectors of the session datagram format (docs/protocol.md,
 * "Session datagrams"). If one of these changes, the wire format changed:
 * bump SESSION_VERSION and update the spec in the same commit.
 */
const CHANNELS: ChannelDefinition[] = [
  { name: 'chat', kind: 'reliable-ordered' },
  { name: 'pos', kind: 'unreliable-sequenced' },
];

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

function fresh(options: { fragmentSize?: number; maxDatagramSize?: number } = {}): Session {
  return new Session({ channels: CHANNELS, ...options }, { message: () => {} });
}

describe('session golden vectors', () => {
  it('first datagram: header without ack, a reliable and a sequenced message', () => {
    const a = fresh();
    a.send('chat', ascii('hi'));
    a.send('pos', Uint8Array.of(1, 2, 3));
    const [datagram] = a.poll(0);
    // 40              flags: version 1, no ack
    // 0000            packet sequence 0
    // 01 03 010203    unreliable frame (type 0) on channel 1, length 3 — fresh state goes first
    // 20 0000 02 6869 reliable frame (type 1) on channel 0, message id 0, length 2, "hi"
    expect(hex(datagram!)).toBe('40' + '0000' + '01' + '03' + '010203' + '20' + '0000' + '02' + '6869');
  });

  it('ack-only datagram with a NACK bitfield for a missing packet', () => {
    const a = fresh();
    const b = fresh();
    for (let i = 0; i < 3; i++) {
      a.send('pos', Uint8Array.of(i));
      const [d] = a.poll(i);
      if (i !== 1) b.receive(d!, 10); // packet 1 is lost
    }
    const [ack] = b.poll(10.5);
    // 64: version 1 | ACK | NACK length code 1 (one byte)
    // 0000 own sequence 0; 0002 largest received; 05 ack delay 0.5 ms in 100 µs units
    // 02 coverage: the 2 packets before largest are described
    // 01: bit 0 → packet largest-1 (= 1) is missing; packet 0 (bit 1, clear) arrived
    expect(hex(ack!)).toBe('64' + '0000' + '0002' + '05' + '02' + '01');
  });

  it('fragments and channel acks', () => {
    const a = fresh({ fragmentSize: 16 });
    const b = fresh({ fragmentSize: 16 });
    a.send('chat', new Uint8Array(20).fill(0xaa));
    const datagrams = a.poll(0);
    expect(datagrams.map(hex)).toEqual([
      // fragment frame (type 2) channel 0 → 0x40; id 0; index 0; count 2; len 16
      '40' +
        '0000' +
        '40' +
        '0000' +
        '00' +
        '02' +
        '10' +
        'aa'.repeat(16) +
        // index 1; len 4 (same datagram: it fits)
        '40' +
        '0000' +
        '01' +
        '02' +
        '04' +
        'aa'.repeat(4),
    ]);
    for (const d of datagrams) b.receive(d, 1);
    const [ack] = b.poll(1);
    // ack header (largest 0, delay 0, coverage 0) + channel ack frame (type 3, channel 0 → 0x60) next id 1
    expect(hex(ack!)).toBe('60' + '0000' + '0000' + '00' + '00' + '60' + '0001');
  });

  it('ping frame', () => {
    const a = fresh();
    a.ping();
    expect(hex(a.poll(0)[0]!)).toBe('40000080');
  });
});
