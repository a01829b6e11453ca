/**
 * The Binding method (RFC 8489 §3): building requests, success and error
 * responses, reading the mapped address of a response, and the check for
 * comprehension-required attributes a Binding responder does not understand.
 *
 * @module
 */

import { decodeMappedAddress, decodeXorMappedAddress, encodeXorMappedAddress } from './address-attributes.js';
import { isComprehensionRequired, StunAttributeType, StunMessageType } from './constants.js';
import { encodeStunMessage, type StunAttributeInput } from './encode-message.js';
import type { TransportAddress } from './ip-address.js';
import type { StunMessage } from './message.js';
import { encodeErrorCode, encodeSoftware, encodeUnknownAttributes } from './text-attributes.js';

/**
 * Comprehension-required attributes a plain Binding responder may receive in
 * a request and safely ignores: address attributes (meaningless in a
 * request), and the credential/ICE attributes of short- and long-term
 * authentication, which an unauthenticated responder does not check (RFC
 * 8489 §9: a server that does not use a credential mechanism processes the
 * request without it). Anything else comprehension-required, such as the
 * RFC 5780 CHANGE-REQUEST or RESPONSE-PORT, earns a 420 response.
 */
export const BINDING_KNOWN_ATTRIBUTES: ReadonlySet<number> = new Set<number>([
  StunAttributeType.MappedAddress,
  StunAttributeType.Username,
  StunAttributeType.MessageIntegrity,
  StunAttributeType.ErrorCode,
  StunAttributeType.UnknownAttributes,
  StunAttributeType.Realm,
  StunAttributeType.Nonce,
  StunAttributeType.MessageIntegritySha256,
  StunAttributeType.PasswordAlgorithm,
  StunAttributeType.Userhash,
  StunAttributeType.XorMappedAddress,
  StunAttributeType.Priority,
  StunAttributeType.UseCandidate,
]);

/**
 * The comprehension-required attribute types of `message` that are not in
 * `known`, each listed once, in order of appearance.
 */
export function unknownComprehensionRequired(
  message: StunMessage,
  known: ReadonlySet<number> = BINDING_KNOWN_ATTRIBUTES,
): number[] {
  const unknown: number[] = [];
  for (const { type } of message.attributes) {
    if (isComprehensionRequired(type) && !known.has(type) && !unknown.includes(type)) unknown.push(type);
  }
  return unknown;
}

/**
 * A Binding request with no attributes but FINGERPRINT (28 bytes).
 *
 * @param transactionId - 12 random bytes, see {@link createTransactionId}
 * @param options - `software` adds a SOFTWARE attribute; `fingerprint: false` leaves FINGERPRINT out
 */
export function buildBindingRequest(
  transactionId: Uint8Array,
  options: { software?: string; fingerprint?: boolean } = {},
): Uint8Array {
  const attributes: StunAttributeInput[] = [];
  if (options.software !== undefined) {
    attributes.push({ type: StunAttributeType.Software, value: encodeSoftware(options.software) });
  }
  return encodeStunMessage({
    type: StunMessageType.BindingRequest,
    transactionId,
    attributes,
    fingerprint: options.fingerprint ?? true,
  });
}

/** What {@link buildBindingSuccess} puts in a Binding success response. */
export interface BindingSuccessInput {
  /** The request's transaction id. */
  transactionId: Uint8Array;
  /** The reflexive transport address of the client, as the server saw it. */
  address: TransportAddress;
  /** The server's SOFTWARE attribute; omitted when `undefined`. */
  software?: string | undefined;
  /** Add FINGERPRINT (last). Default true; a server echoes the request's choice so a reply never grows by it unasked. */
  fingerprint?: boolean | undefined;
}

/**
 * A Binding success response: XOR-MAPPED-ADDRESS, optional SOFTWARE,
 * FINGERPRINT last (unless `fingerprint: false`). The address is encoded as given (convert an
 * IPv4-mapped IPv6 address first, see {@link canonicalTransportAddress}).
 *
 * @throws `InvalidOptionError` on a bad address, port, transaction id or SOFTWARE.
 */
export function buildBindingSuccess(input: BindingSuccessInput): Uint8Array {
  const attributes: StunAttributeInput[] = [
    {
      type: StunAttributeType.XorMappedAddress,
      value: encodeXorMappedAddress(input.address, input.transactionId),
    },
  ];
  if (input.software !== undefined) {
    attributes.push({ type: StunAttributeType.Software, value: encodeSoftware(input.software) });
  }
  return encodeStunMessage({
    type: StunMessageType.BindingSuccessResponse,
    transactionId: input.transactionId,
    attributes,
    fingerprint: input.fingerprint ?? true,
  });
}

/** What {@link buildBindingError} puts in a Binding error response. */
export interface BindingErrorInput {
  /** The request's transaction id. */
  transactionId: Uint8Array;
  /** Error code, 300..699 (e.g. 400 Bad Request, 420 Unknown Attribute). */
  code: number;
  /** Reason phrase. */
  reason: string;
  /** For a 420: the unknown comprehension-required attribute types. */
  unknownAttributes?: readonly number[] | undefined;
  /** The server's SOFTWARE attribute; omitted when `undefined`. */
  software?: string | undefined;
  /** Add FINGERPRINT (last). Default true. */
  fingerprint?: boolean | undefined;
}

/**
 * A Binding error response: ERROR-CODE, UNKNOWN-ATTRIBUTES (when given),
 * optional SOFTWARE, FINGERPRINT last (unless `fingerprint: false`).
 *
 * @throws `InvalidOptionError` on a bad code, reason, attribute list, transaction id or SOFTWARE.
 */
export function buildBindingError(input: BindingErrorInput): Uint8Array {
  const attributes: StunAttributeInput[] = [
    { type: StunAttributeType.ErrorCode, value: encodeErrorCode({ code: input.code, reason: input.reason }) },
  ];
  if (input.unknownAttributes !== undefined) {
    attributes.push({
      type: StunAttributeType.UnknownAttributes,
      value: encodeUnknownAttributes(input.unknownAttributes),
    });
  }
  if (input.software !== undefined) {
    attributes.push({ type: StunAttributeType.Software, value: encodeSoftware(input.software) });
  }
  return encodeStunMessage({
    type: StunMessageType.BindingErrorResponse,
    transactionId: input.transactionId,
    attributes,
    fingerprint: input.fingerprint ?? true,
  });
}

/**
 * The reflexive address in a (success) response: XOR-MAPPED-ADDRESS, or
 * MAPPED-ADDRESS from an old RFC 3489 server when that is all there is;
 * `undefined` when neither is present.
 *
 * @throws `MalformedInputError` when the attribute is malformed.
 */
export function getMappedAddress(message: StunMessage): TransportAddress | undefined {
  let mapped: Uint8Array | undefined;
  for (const attribute of message.attributes) {
    if (attribute.type === StunAttributeType.XorMappedAddress) {
      return decodeXorMappedAddress(attribute.value, message.transactionId);
    }
    if (attribute.type === StunAttributeType.MappedAddress && mapped === undefined) mapped = attribute.value;
  }
  return mapped === undefined ? undefined : decodeMappedAddress(mapped);
}
