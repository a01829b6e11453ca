/**
 * The lobby's built-in STUN binding responder (RFC 8489 Binding method over
 * UDP): it tells a client the public IP address and port it is seen from,
 * which is all WebRTC's ICE needs from a STUN server to gather
 * server-reflexive candidates. No TURN, no authentication.
 *
 * Behaviour, per datagram:
 * 1. Rate limit per source IP (token bucket); excess is dropped silently.
 * 2. Anything that is not a well-formed STUN message, or whose FINGERPRINT
 *    does not match, is ignored.
 * 3. Indications, responses and requests for methods other than Binding are
 *    ignored.
 * 4. A Binding request carrying a comprehension-required attribute the
 *    responder does not understand (e.g. RFC 5780 CHANGE-REQUEST) is
 *    answered with a 420 (Unknown Attribute) error listing them, as RFC
 *    8489 §6.3.1 requires; credential and ICE attributes (USERNAME,
 *    MESSAGE-INTEGRITY, PRIORITY, ...) are accepted and not checked.
 * 5. Every other Binding request gets a Binding success response carrying
 *    XOR-MAPPED-ADDRESS (the source address and port as the socket saw them;
 *    IPv4 peers of a dual-stack socket are reported as IPv4), SOFTWARE
 *    (only when asked for) and FINGERPRINT (only when the request carried
 *    one), so a reply is its request plus the mapped address.
 *
 * The message handler never throws; socket errors go to `onError` and the
 * responder keeps serving.
 *
 * @module
 */

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { InvalidOptionError } from '@handoff/protocol';
import { canonicalTransportAddress, encodeSoftware, STUN_DEFAULT_PORT } from '@handoff/protocol/stun';
import { respondToStunDatagram, type StunRejectReason } from './binding-responder.js';
import { IpRateLimiter } from './ip-rate-limiter.js';

/** SOFTWARE attribute the responder adds when asked to (`software: true`). */
export const DEFAULT_STUN_SOFTWARE = 'handoff-lobby';
/** Default per-source-IP request rate (and burst). */
export const DEFAULT_STUN_MAX_REQUESTS_PER_SECOND_PER_IP = 100;
/** Default cap on the number of source IPs whose rate is tracked. */
export const DEFAULT_STUN_MAX_TRACKED_IPS = 10_000;

/** One datagram handled by the responder, for metrics and logs. */
export interface StunRequestEvent {
  /** The sender's IP address (IPv4-mapped IPv6 addresses as plain IPv4). */
  from: string;
  /** The sender's UDP port. */
  port: number;
  /** True when a Binding success response was sent. */
  accepted: boolean;
  /** Why not, when `accepted` is false. See {@link StunRejectReason}. */
  reason?: StunRejectReason;
}

/** Options of {@link createStunServer}. Every field is optional. */
export interface StunServerOptions {
  /** UDP port to listen on; 0 picks an ephemeral port (see {@link StunServer.start}'s result). Default 3478. */
  port?: number;
  /**
   * Local address to bind. Default `'0.0.0.0'` (every IPv4 interface). Use
   * `'::'` for a dual-stack socket answering IPv4 and IPv6 clients, or a
   * specific address such as `'127.0.0.1'` or `'::1'`.
   */
  host?: string;
  /**
   * SOFTWARE attribute added to every response: a string, `true` for
   * {@link DEFAULT_STUN_SOFTWARE}, or `false` for none. Default `false`:
   * every byte a reply adds over its request is reflection an attacker can
   * aim at someone else with a spoofed source address.
   */
  software?: string | boolean;
  /**
   * Requests per second accepted from one source IP (token bucket with a
   * burst of the same size); excess datagrams are dropped silently.
   * `Infinity` disables the limit. Default 100.
   */
  maxRequestsPerSecondPerIp?: number;
  /**
   * Most source IPs whose rate is tracked at once; beyond it the least
   * recently seen IP is forgotten. Default 10,000.
   */
  maxTrackedIps?: number;
  /** Called for every datagram received (after the fact; exceptions are swallowed). */
  onRequest?: (event: StunRequestEvent) => void;
  /** Called for socket and send errors; the responder keeps serving. Default: errors are dropped. */
  onError?: (error: Error) => void;
  /** Monotonic clock in milliseconds, for the rate limiter. Default `performance.now()`. */
  now?: () => number;
}

/** The bound address of a running responder. */
export interface StunServerAddress {
  /** The bound UDP port (the real one when `port: 0` was asked for). */
  port: number;
  /** The bound local address. */
  address: string;
}

/** A STUN binding responder; create it with {@link createStunServer}. */
export interface StunServer {
  /**
   * Binds the UDP socket and starts answering. Resolves with the bound
   * address; rejects if the socket cannot be bound (e.g. `EADDRINUSE`).
   * Calling it while running resolves with the current address.
   */
  start(): Promise<StunServerAddress>;
  /** Closes the socket. Resolves once closed; a no-op when not running. The server can be started again. */
  stop(): Promise<void>;
  /** The bound address while running, `undefined` otherwise. */
  address(): StunServerAddress | undefined;
}

interface ResolvedOptions {
  port: number;
  host: string;
  software: string | undefined;
  limiter: IpRateLimiter | undefined;
  onRequest: ((event: StunRequestEvent) => void) | undefined;
  onError: ((error: Error) => void) | undefined;
  now: () => number;
}

function resolveOptions(options: StunServerOptions): ResolvedOptions {
  const port = options.port ?? STUN_DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) {
    throw new InvalidOptionError(`port must be an integer in 0..65535, got ${String(port)}`);
  }
  const host = options.host ?? '0.0.0.0';
  if (typeof host !== 'string' || host === '')
    throw new InvalidOptionError('host must be a non-empty string');
  const software =
    options.software === true
      ? DEFAULT_STUN_SOFTWARE
      : typeof options.software === 'string'
        ? options.software
        : undefined;
  if (software !== undefined) encodeSoftware(software);
  const rate = options.maxRequestsPerSecondPerIp ?? DEFAULT_STUN_MAX_REQUESTS_PER_SECOND_PER_IP;
  if (typeof rate !== 'number' || !(rate > 0)) {
    throw new InvalidOptionError('maxRequestsPerSecondPerIp must be > 0 (Infinity disables the limit)');
  }
  const maxTrackedIps = options.maxTrackedIps ?? DEFAULT_STUN_MAX_TRACKED_IPS;
  if (!Number.isInteger(maxTrackedIps) || maxTrackedIps < 1) {
    throw new InvalidOptionError('maxTrackedIps must be an integer >= 1');
  }
  const limiter =
    rate === Number.POSITIVE_INFINITY
      ? undefined
      : new IpRateLimiter({ ratePerSecond: rate, burst: rate, maxTrackedKeys: maxTrackedIps });
  return {
    port,
    host,
    software,
    limiter,
    onRequest: options.onRequest,
    onError: options.onError,
    now: options.now ?? (() => performance.now()),
  };
}

function toError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/**
 * Creates a STUN binding responder (not yet listening: call `start()`).
 *
 * @example
 * ```ts
 * const stun = createStunServer({ port: 3478, host: '::', onError: (e) => log.warn(e) });
 * const { port } = await stun.start();
 * // ... on shutdown:
 * await stun.stop();
 * ```
 * @throws `InvalidOptionError` on an out-of-range option or a SOFTWARE string that is too long.
 */
export function createStunServer(options: StunServerOptions = {}): StunServer {
  const config = resolveOptions(options);
  let socket: Socket | undefined;
  let bound: StunServerAddress | undefined;
  let starting: Promise<StunServerAddress> | undefined;
  let stopping: Promise<void> | undefined;

  const reportError = (error: unknown): void => {
    try {
      config.onError?.(toError(error));
    } catch {
      // A failing hook must not take the responder down.
    }
  };

  const report = (event: StunRequestEvent): void => {
    if (config.onRequest === undefined) return;
    try {
      config.onRequest(event);
    } catch (error) {
      reportError(error);
    }
  };

  const onMessage = (target: Socket, datagram: Buffer, remote: RemoteInfo): void => {
    try {
      const source = canonicalTransportAddress(remote.address, remote.port);
      if (config.limiter !== undefined && !config.limiter.tryTake(source.address, config.now())) {
        report({ from: source.address, port: source.port, accepted: false, reason: 'rate-limited' });
        return;
      }
      const outcome = respondToStunDatagram(datagram, source, config.software);
      if (outcome.response !== undefined) {
        target.send(outcome.response, remote.port, remote.address, (error) => {
          if (error) reportError(error);
        });
      }
      report(
        outcome.accepted
          ? { from: source.address, port: source.port, accepted: true }
          : { from: source.address, port: source.port, accepted: false, reason: outcome.reason },
      );
    } catch (error) {
      reportError(error);
    }
  };

  const start = (): Promise<StunServerAddress> => {
    if (bound !== undefined) return Promise.resolve(bound);
    if (starting !== undefined) return starting;
    const attempt = (async (): Promise<StunServerAddress> => {
      if (stopping !== undefined) await stopping;
      const candidate = createSocket({ type: config.host.includes(':') ? 'udp6' : 'udp4', ipv6Only: false });
      candidate.on('message', (datagram, remote) => onMessage(candidate, datagram, remote));
      await new Promise<void>((resolve, reject) => {
        const onBindError = (error: Error): void => {
          try {
            candidate.close();
          } catch {
            // Already closed.
          }
          reject(error);
        };
        candidate.once('error', onBindError);
        candidate.bind({ port: config.port, address: config.host }, () => {
          candidate.off('error', onBindError);
          candidate.on('error', reportError);
          resolve();
        });
      });
      const local = candidate.address();
      socket = candidate;
      bound = { port: local.port, address: local.address };
      return bound;
    })();
    starting = attempt;
    return attempt.finally(() => {
      starting = undefined;
    });
  };

  const stop = async (): Promise<void> => {
    if (starting !== undefined) await starting.catch(() => undefined);
    if (stopping !== undefined) return stopping;
    const current = socket;
    if (current === undefined) return;
    socket = undefined;
    bound = undefined;
    stopping = new Promise<void>((resolve) => {
      try {
        current.close(() => resolve());
      } catch {
        resolve();
      }
    }).finally(() => {
      stopping = undefined;
    });
    return stopping;
  };

  return { start, stop, address: () => bound };
}
