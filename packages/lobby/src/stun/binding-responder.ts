/**
 * The socket-free part of the STUN responder: given one datagram and the
 * address it came from, decide whether and what to answer. Never throws for
 * any datagram content.
 *
 * @module
 */

import {
  buildBindingError,
  buildBindingSuccess,
  isStunMessage,
  parseStunMessage,
  StunClass,
  type StunMessage,
  StunMethod,
  type TransportAddress,
  unknownComprehensionRequired,
} from '@handoff/protocol/stun';

/**
 * Why a datagram got no success response:
 * - `malformed`: not a well-formed STUN message, or its FINGERPRINT does not match (ignored);
 * - `rate-limited`: the source IP is over its request rate (ignored);
 * - `not-binding`: an indication, a response, or a request for another method (ignored);
 * - `unknown-attribute`: a Binding request with a comprehension-required
 *   attribute the responder does not understand (answered with 420).
 */
export type StunRejectReason = 'malformed' | 'rate-limited' | 'not-binding' | 'unknown-attribute';

/** What to do with one datagram. */
export type StunDatagramOutcome =
  | { accepted: true; response: Uint8Array }
  | { accepted: false; reason: StunRejectReason; response?: Uint8Array };

/**
 * Handles one datagram that passed the rate limit.
 *
 * @param datagram - the received bytes
 * @param source - the sender's canonical transport address (IPv4-mapped IPv6 already converted to IPv4)
 * @param software - the SOFTWARE attribute to add, or `undefined` for none
 */
export function respondToStunDatagram(
  datagram: Uint8Array,
  source: TransportAddress,
  software: string | undefined,
): StunDatagramOutcome {
  if (!isStunMessage(datagram)) return { accepted: false, reason: 'malformed' };
  let message: StunMessage;
  try {
    message = parseStunMessage(datagram);
  } catch {
    return { accepted: false, reason: 'malformed' };
  }
  if (message.fingerprint === 'invalid') return { accepted: false, reason: 'malformed' };
  if (message.messageClass !== StunClass.Request || message.method !== StunMethod.Binding) {
    return { accepted: false, reason: 'not-binding' };
  }
  const { transactionId } = message;
  // FINGERPRINT only when the request carried one (ICE agents always do): a
  // reply then exceeds its request by the mapped address alone (12 bytes for
  // IPv4, 24 for IPv6), the least a Binding response can carry.
  const fingerprint = message.fingerprint !== 'absent';
  const unknown = unknownComprehensionRequired(message);
  if (unknown.length > 0) {
    const response = buildBindingError({
      transactionId,
      code: 420,
      reason: 'Unknown Attribute',
      unknownAttributes: unknown,
      software,
      fingerprint,
    });
    return { accepted: false, reason: 'unknown-attribute', response };
  }
  return {
    accepted: true,
    response: buildBindingSuccess({ transactionId, address: source, software, fingerprint }),
  };
}
