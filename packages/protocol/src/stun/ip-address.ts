/**
 * IP address text ⇄ bytes, in pure code: IPv4 dotted quads and IPv6 text
 * (RFC 4291 §2.2: `::` compression, an embedded dotted quad in the last 32
 * bits, an optional `%zone` suffix which is ignored). Formatting follows
 * RFC 5952 (lower case, longest zero run compressed, IPv4-mapped addresses
 * as `::ffff:a.b.c.d`).
 *
 * Node's dual-stack `udp6` sockets report IPv4 peers as `::ffff:a.b.c.d`;
 * {@link unmapIpv4} turns such an address back into plain IPv4.
 *
 * @module
 */

import { MalformedInputError } from '../errors.js';

/** An IP address family, spelled as Node's `dgram`/`net` modules spell it. */
export type IpFamily = 'IPv4' | 'IPv6';

/** A transport address: IP family, address text and UDP/TCP port. */
export interface TransportAddress {
  /** The address family. */
  family: IpFamily;
  /** Address text: a dotted quad for IPv4, RFC 5952 text for IPv6. */
  address: string;
  /** Port, 0..65535. */
  port: number;
}

const DECIMAL_OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/**
 * Parses a dotted-quad IPv4 address (no leading zeros, each part 0..255).
 *
 * @throws `MalformedInputError` when `text` is not a dotted quad.
 */
export function parseIpv4(text: string): Uint8Array {
  const parts = text.split('.');
  if (parts.length !== 4) throw new MalformedInputError(`not an IPv4 address: ${clip(text)}`);
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    const value = DECIMAL_OCTET.test(part) ? Number(part) : 256;
    if (value > 255) throw new MalformedInputError(`not an IPv4 address: ${clip(text)}`);
    bytes[i] = value;
  }
  return bytes;
}

/** Formats 4 bytes as a dotted quad. */
export function formatIpv4(bytes: Uint8Array): string {
  if (bytes.length !== 4) throw new MalformedInputError(`an IPv4 address has 4 bytes, got ${bytes.length}`);
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
}

/**
 * Parses IPv6 address text into 16 bytes. Accepts `::` compression, a
 * trailing embedded IPv4 dotted quad and a `%zone` suffix (ignored).
 *
 * @throws `MalformedInputError` when `text` is not an IPv6 address.
 */
export function parseIpv6(text: string): Uint8Array {
  const bad = (): MalformedInputError => new MalformedInputError(`not an IPv6 address: ${clip(text)}`);
  if (text.length > 100) throw bad();
  const zone = text.indexOf('%');
  const body = zone >= 0 ? text.slice(0, zone) : text;
  if (zone >= 0 && zone === text.length - 1) throw bad();
  const gap = body.indexOf('::');
  if (gap !== body.lastIndexOf('::')) throw bad();
  const head = gap >= 0 ? body.slice(0, gap) : body;
  const tail = gap >= 0 ? body.slice(gap + 2) : '';
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === '' ? [] : tail.split(':');
  if (gap < 0 && headParts.length === 0) throw bad();

  const groups = (parts: string[], allowV4: boolean): number[] => {
    const out: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (allowV4 && i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part);
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (HEX_GROUP.test(part)) {
        out.push(Number.parseInt(part, 16));
      } else {
        throw bad();
      }
    }
    return out;
  };

  let headGroups: number[];
  let tailGroups: number[];
  try {
    headGroups = groups(headParts, gap < 0);
    tailGroups = groups(tailParts, true);
  } catch {
    throw bad();
  }
  const total = headGroups.length + tailGroups.length;
  if (gap < 0 ? total !== 8 : total > 7) throw bad();
  const all = [...headGroups, ...new Array<number>(8 - total).fill(0), ...tailGroups];
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const group = all[i]!;
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  }
  return bytes;
}

/** True when 16 bytes are an IPv4-mapped IPv6 address (`::ffff:0:0/96`). */
export function isIpv4MappedBytes(bytes: Uint8Array): boolean {
  if (bytes.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** Formats 16 bytes as RFC 5952 IPv6 text (IPv4-mapped addresses as `::ffff:a.b.c.d`). */
export function formatIpv6(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new MalformedInputError(`an IPv6 address has 16 bytes, got ${bytes.length}`);
  if (isIpv4MappedBytes(bytes)) return `::ffff:${formatIpv4(bytes.subarray(12))}`;
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  // Longest run of zero groups (length >= 2; the first one wins a tie).
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (list: number[]): string => list.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/**
 * Parses IPv4 or IPv6 address text.
 *
 * @throws `MalformedInputError` when `text` is neither.
 */
export function parseIpAddress(text: string): { family: IpFamily; bytes: Uint8Array } {
  return text.includes(':')
    ? { family: 'IPv6', bytes: parseIpv6(text) }
    : { family: 'IPv4', bytes: parseIpv4(text) };
}

/** Formats 4 or 16 address bytes as IPv4 or IPv6 text. */
export function formatIpAddress(bytes: Uint8Array): string {
  return bytes.length === 4 ? formatIpv4(bytes) : formatIpv6(bytes);
}

/**
 * Returns the dotted quad of an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`,
 * also written `::ffff:102:304` or `0:0:0:0:0:ffff:1.2.3.4`), or `undefined`
 * when `text` is anything else (including unparseable text).
 */
export function unmapIpv4(text: string): string | undefined {
  if (!text.includes(':')) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = parseIpv6(text);
  } catch {
    return undefined;
  }
  return isIpv4MappedBytes(bytes) ? formatIpv4(bytes.subarray(12)) : undefined;
}

/**
 * Canonical form of a peer's transport address as seen by a socket: the
 * family is taken from the address text, IPv4-mapped IPv6 addresses become
 * plain IPv4, and IPv6 text is re-formatted per RFC 5952 (zone dropped).
 *
 * @throws `MalformedInputError` when `address` is not an IP address.
 */
export function canonicalTransportAddress(address: string, port: number): TransportAddress {
  const parsed = parseIpAddress(address);
  if (parsed.family === 'IPv6' && isIpv4MappedBytes(parsed.bytes)) {
    return { family: 'IPv4', address: formatIpv4(parsed.bytes.subarray(12)), port };
  }
  return { family: parsed.family, address: formatIpAddress(parsed.bytes), port };
}

function clip(text: string): string {
  return JSON.stringify(text.length > 64 ? `${text.slice(0, 64)}…` : text);
}
