import { isIPv6 } from 'node:net';
import type { LobbyLimitOptions } from './options.js';
import { TokenBucket } from './token-bucket.js';

/** Most address records kept; past it, idle ones are dropped first (memory stays bounded under a spray of addresses). */
const MAX_ENTRIES = 100_000;
/** An address record unused this long, with nothing live, is forgotten, ms. */
const IDLE_MS = 10 * 60 * 1000;

/**
 * What one address (an IPv4 address, or an IPv6 prefix) may still do. These
 * limits are keyed by what an attacker cannot renew for free: a reconnect
 * gives a new player, not a new address.
 */
export class AddressRecord {
  /** Open TCP connections, counted before the WebSocket upgrade. */
  sockets = 0;
  /** Rooms this address created that still exist. */
  liveRooms = 0;
  lastUsed: number;
  readonly roomCreations: TokenBucket;
  readonly wrongPasswords: TokenBucket;
  readonly failedCodeLookups: TokenBucket;
  readonly roomLists: TokenBucket;

  constructor(limits: LobbyLimitOptions, now: number) {
    this.lastUsed = now;
    const perMinute = (n: number, burst = n): TokenBucket => new TokenBucket(n / 60, burst, now);
    this.roomCreations = perMinute(limits.maxRoomsCreatedPerMinutePerIp);
    this.wrongPasswords = perMinute(limits.maxWrongPasswordsPerMinutePerIp);
    this.failedCodeLookups = perMinute(limits.maxFailedCodeLookupsPerMinutePerIp);
    this.roomLists = perMinute(
      limits.maxRoomListsPerMinutePerIp,
      Math.min(20, limits.maxRoomListsPerMinutePerIp),
    );
  }

  /** Nothing live hangs on it: it can be forgotten once idle. */
  get idle(): boolean {
    return this.sockets === 0 && this.liveRooms === 0;
  }
}

/**
 * The key of an address for per-address limits: an IPv4 address as is
 * (IPv4-mapped IPv6 addresses as their IPv4 form), an IPv6 address cut to
 * its first `prefixBits` bits — one customer usually holds a whole /64.
 */
export function addressKey(ip: string, prefixBits: number): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped !== null) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const groups = expandIPv6(ip);
  const keep = Math.ceil(prefixBits / 16);
  const out = groups.slice(0, keep);
  const partial = prefixBits % 16;
  if (partial !== 0 && out.length > 0) {
    const last = out.length - 1;
    out[last] = out[last]! & (0xffff << (16 - partial)) & 0xffff;
  }
  return `${out.map((group) => group.toString(16)).join(':')}::/${prefixBits}`;
}

/** The eight 16-bit groups of an IPv6 address (zone id dropped). */
function expandIPv6(ip: string): number[] {
  const bare = ip.split('%')[0]!;
  const [head, tail] = bare.split('::') as [string, string | undefined];
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const fill = new Array<number>(Math.max(0, 8 - left.length - right.length)).fill(0);
  return [...left, ...fill, ...right].slice(0, 8);
}

/** Every address's record, created on first use and forgotten when idle. */
export class AddressLimits {
  private readonly records = new Map<string, AddressRecord>();

  constructor(private readonly limits: LobbyLimitOptions) {}

  /** The key `ip` is counted under. */
  key(ip: string): string {
    return addressKey(ip, this.limits.ipv6PrefixBits);
  }

  /** The record of `ip`'s address (created if needed). */
  of(ip: string, now: number): AddressRecord {
    const key = this.key(ip);
    let record = this.records.get(key);
    if (record === undefined) {
      if (this.records.size >= MAX_ENTRIES) this.sweep(now, true);
      record = new AddressRecord(this.limits, now);
      this.records.set(key, record);
    }
    record.lastUsed = now;
    return record;
  }

  /** Records known (for tests and metrics). */
  get size(): number {
    return this.records.size;
  }

  /** Forgets idle records (all idle ones when `force`, else those unused for a while). */
  sweep(now: number, force = false): void {
    for (const [key, record] of this.records) {
      if (record.idle && (force || now - record.lastUsed > IDLE_MS)) this.records.delete(key);
    }
  }
}
