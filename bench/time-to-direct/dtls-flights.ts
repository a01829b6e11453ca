/**
 * Reads a packet capture (pcap, as `tcpdump -w` writes it: Ethernet, Linux
 * cooked v1 or v2) and reports every DTLS ClientHello sender: which stack it
 * is by the hello's size (libdatachannel/OpenSSL 232 bytes, Chromium 1200,
 * Firefox/NSS 1408 on the machines measured; sizes may change between
 * versions), and the gaps before each resend. A first flight resent after
 * ~1000 ms is the 1 s tail; after ~50 ms, a browser's fast retransmit.
 *
 * `node --import tsx bench/time-to-direct/dtls-flights.ts capture.pcap`
 *
 * @module
 */
import { readFileSync } from 'node:fs';

interface Datagram {
  time: number;
  sourcePort: number;
  payload: Uint8Array;
}

/** The UDP datagrams of a pcap file (IPv4 and IPv6). */
export function* udpDatagrams(file: Uint8Array): Generator<Datagram> {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = view.getUint32(0, true);
  const nano = magic === 0xa1b23c4d;
  if (magic !== 0xa1b2c3d4 && !nano) throw new Error('not a little-endian pcap file');
  const link = view.getUint32(20, true);
  for (let at = 24; at + 16 <= file.length; ) {
    const seconds = view.getUint32(at, true);
    const fraction = view.getUint32(at + 4, true);
    const length = view.getUint32(at + 8, true);
    const frame = file.subarray(at + 16, at + 16 + length);
    at += 16 + length;
    const time = seconds + fraction / (nano ? 1e9 : 1e6);
    const frameView = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    let etherType: number;
    let ip: Uint8Array;
    if (link === 1) [etherType, ip] = [frameView.getUint16(12), frame.subarray(14)];
    else if (link === 113) [etherType, ip] = [frameView.getUint16(14), frame.subarray(16)];
    else if (link === 276) [etherType, ip] = [frameView.getUint16(0), frame.subarray(20)];
    else throw new Error(`link type ${link} not supported`);
    let udp: Uint8Array;
    if (etherType === 0x0800 && ip[9] === 17) udp = ip.subarray((ip[0]! & 15) * 4);
    else if (etherType === 0x86dd && ip[6] === 17) udp = ip.subarray(40);
    else continue;
    yield { time, sourcePort: (udp[0]! << 8) | udp[1]!, payload: udp.subarray(8) };
  }
}

/** A DTLS 1.x handshake record (epoch 0) carrying a ClientHello. */
const isClientHello = (payload: Uint8Array): boolean =>
  payload.length > 13 && payload[0] === 22 && payload[3] === 0 && payload[4] === 0 && payload[13] === 1;

const STACKS: Record<number, string> = { 232: 'libdatachannel', 1200: 'Chromium', 1408: 'Firefox' };

if (process.argv[2] !== undefined) {
  const senders = new Map<number, { times: number[]; size: number }>();
  for (const { time, sourcePort, payload } of udpDatagrams(readFileSync(process.argv[2]))) {
    if (!isClientHello(payload)) continue;
    const sender = senders.get(sourcePort) ?? { times: [], size: payload.length };
    // A resend repeats the first datagram; another size is the rest of a fragmented hello.
    if (payload.length !== sender.size) continue;
    // `-i any` sees a loopback datagram twice (out and in): one send.
    if (time - (sender.times.at(-1) ?? Number.NEGATIVE_INFINITY) > 0.003) sender.times.push(time);
    senders.set(sourcePort, sender);
  }
  const byStack = new Map<string, { senders: number; resent: number[] }>();
  for (const { times, size } of senders.values()) {
    const stack = STACKS[size] ?? `${size}-byte hello`;
    const entry = byStack.get(stack) ?? { senders: 0, resent: [] };
    entry.senders++;
    // The first resend of the first flight (later gaps are the backoff).
    if (times.length > 1) entry.resent.push(Math.round((times[1]! - times[0]!) * 1000));
    byStack.set(stack, entry);
  }
  for (const [stack, { senders: count, resent }] of byStack)
    console.log(
      `${stack}: ${count} DTLS clients, ${resent.length} resent their ClientHello` +
        (resent.length > 0 ? ` after ${resent.sort((a, b) => a - b).join(', ')} ms` : ''),
    );
}
