/**
 * A pure STUN codec (RFC 8489 / RFC 5389): message parsing and building,
 * FINGERPRINT, (XOR-)MAPPED-ADDRESS, SOFTWARE, ERROR-CODE, the Binding
 * method, and IP address text ⇄ bytes. No I/O, no Node built-ins: the
 * lobby's UDP responder and any client meet a socket elsewhere.
 *
 * @example
 * ```ts
 * import { buildBindingRequest, createTransactionId, getMappedAddress, parseStunMessage } from '@handoff/protocol/stun';
 * const request = buildBindingRequest(createTransactionId((n) => crypto.getRandomValues(new Uint8Array(n))));
 * // ... send `request` over UDP, receive `reply` ...
 * const mapped = getMappedAddress(parseStunMessage(reply)); // { family: 'IPv4', address: '203.0.113.7', port: 40000 }
 * ```
 *
 * @module
 */

export {
  decodeMappedAddress,
  decodeXorMappedAddress,
  encodeMappedAddress,
  encodeXorMappedAddress,
} from './address-attributes.js';
export {
  BINDING_KNOWN_ATTRIBUTES,
  type BindingErrorInput,
  type BindingSuccessInput,
  buildBindingError,
  buildBindingRequest,
  buildBindingSuccess,
  getMappedAddress,
  unknownComprehensionRequired,
} from './binding.js';
export {
  isComprehensionRequired,
  STUN_ATTRIBUTE_HEADER_LENGTH,
  STUN_DEFAULT_PORT,
  STUN_FINGERPRINT_XOR,
  STUN_HEADER_LENGTH,
  STUN_MAGIC_COOKIE,
  STUN_SOFTWARE_MAX_BYTES,
  STUN_SOFTWARE_MAX_CHARACTERS,
  STUN_TRANSACTION_ID_LENGTH,
  StunAddressFamily,
  StunAttributeType,
  type StunAttributeTypeValue,
  StunClass,
  type StunClassValue,
  StunMessageType,
  type StunMessageTypeValue,
  StunMethod,
  type StunMethodValue,
} from './constants.js';
export { crc32 } from './crc32.js';
export { encodeStunMessage, type StunAttributeInput, type StunMessageInput } from './encode-message.js';
export {
  fingerprintAt,
  STUN_FINGERPRINT_ATTRIBUTE_LENGTH,
  verifyFingerprint,
  writeFingerprint,
} from './fingerprint.js';
export { isStunMessage } from './header.js';
export {
  canonicalTransportAddress,
  formatIpAddress,
  formatIpv4,
  formatIpv6,
  type IpFamily,
  isIpv4MappedBytes,
  parseIpAddress,
  parseIpv4,
  parseIpv6,
  type TransportAddress,
  unmapIpv4,
} from './ip-address.js';
export {
  getStunAttribute,
  parseStunMessage,
  type StunAttribute,
  type StunFingerprintStatus,
  type StunMessage,
} from './message.js';
export { decodeMessageType, encodeMessageType } from './message-type.js';
export {
  decodeErrorCode,
  decodeSoftware,
  decodeUnknownAttributes,
  encodeErrorCode,
  encodeSoftware,
  encodeUnknownAttributes,
  STUN_REASON_MAX_BYTES,
  type StunErrorCode,
} from './text-attributes.js';
export { createTransactionId, type RandomBytes, transactionIdsEqual } from './transaction-id.js';
