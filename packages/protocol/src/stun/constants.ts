/**
 * STUN (RFC 8489, formerly RFC 5389) wire constants: header layout, magic
 * cookie, message classes and methods, and the attribute type registry
 * entries this package knows about.
 *
 * @module
 */

/** The fixed magic cookie in bytes 4..7 of every RFC 5389/8489 STUN message. */
export const STUN_MAGIC_COOKIE = 0x2112a442;

/** Length of the STUN message header, in bytes. */
export const STUN_HEADER_LENGTH = 20;

/** Length of a STUN transaction id, in bytes. */
export const STUN_TRANSACTION_ID_LENGTH = 12;

/** Length of an attribute header (type u16 + length u16), in bytes. */
export const STUN_ATTRIBUTE_HEADER_LENGTH = 4;

/** The value XOR-ed into the CRC-32 of a message to form its FINGERPRINT attribute ("STUN"). */
export const STUN_FINGERPRINT_XOR = 0x5354554e;

/** The well-known STUN/TURN port for UDP and TCP. */
export const STUN_DEFAULT_PORT = 3478;

/** Longest SOFTWARE value allowed by RFC 8489 §14.14 (fewer than 128 characters, at most 763 bytes). */
export const STUN_SOFTWARE_MAX_BYTES = 763;

/** Most characters a SOFTWARE value may have (RFC 8489 §14.14: "fewer than 128 characters"). */
export const STUN_SOFTWARE_MAX_CHARACTERS = 127;

/** STUN message classes (the two C bits of the message type). */
export const StunClass = {
  /** A request: expects a success or error response with the same transaction id. */
  Request: 0b00,
  /** An indication: no response is sent. */
  Indication: 0b01,
  /** A success response. */
  SuccessResponse: 0b10,
  /** An error response (carries ERROR-CODE). */
  ErrorResponse: 0b11,
} as const;

/** One of the values of {@link StunClass}. */
export type StunClassValue = (typeof StunClass)[keyof typeof StunClass];

/** STUN methods this package knows about (12-bit method numbers). */
export const StunMethod = {
  /** Binding (RFC 8489): the only method of plain STUN. */
  Binding: 0x001,
} as const;

/** One of the values of {@link StunMethod}. */
export type StunMethodValue = (typeof StunMethod)[keyof typeof StunMethod];

/** Complete 14-bit message types (method + class) for the Binding method. */
export const StunMessageType = {
  /** Binding request (0x0001). */
  BindingRequest: 0x0001,
  /** Binding indication (0x0011), used as a keep-alive; never answered. */
  BindingIndication: 0x0011,
  /** Binding success response (0x0101). */
  BindingSuccessResponse: 0x0101,
  /** Binding error response (0x0111). */
  BindingErrorResponse: 0x0111,
} as const;

/** One of the values of {@link StunMessageType}. */
export type StunMessageTypeValue = (typeof StunMessageType)[keyof typeof StunMessageType];

/**
 * Attribute types. Types 0x0000..0x7FFF are comprehension-required (an agent
 * that does not understand one must reject a request carrying it); types
 * 0x8000..0xFFFF are comprehension-optional.
 */
export const StunAttributeType = {
  /** MAPPED-ADDRESS (RFC 3489 compatibility; plain address). */
  MappedAddress: 0x0001,
  /** CHANGE-REQUEST (RFC 5780 NAT behaviour discovery). */
  ChangeRequest: 0x0003,
  /** USERNAME. */
  Username: 0x0006,
  /** MESSAGE-INTEGRITY (HMAC-SHA1). */
  MessageIntegrity: 0x0008,
  /** ERROR-CODE. */
  ErrorCode: 0x0009,
  /** UNKNOWN-ATTRIBUTES (in 420 responses). */
  UnknownAttributes: 0x000a,
  /** REALM. */
  Realm: 0x0014,
  /** NONCE. */
  Nonce: 0x0015,
  /** MESSAGE-INTEGRITY-SHA256 (RFC 8489). */
  MessageIntegritySha256: 0x001c,
  /** PASSWORD-ALGORITHM (RFC 8489). */
  PasswordAlgorithm: 0x001d,
  /** USERHASH (RFC 8489). */
  Userhash: 0x001e,
  /** XOR-MAPPED-ADDRESS: the reflexive transport address, obfuscated. */
  XorMappedAddress: 0x0020,
  /** PRIORITY (ICE, RFC 8445). */
  Priority: 0x0024,
  /** USE-CANDIDATE (ICE, RFC 8445). */
  UseCandidate: 0x0025,
  /** PADDING (RFC 5780). */
  Padding: 0x0026,
  /** RESPONSE-PORT (RFC 5780). */
  ResponsePort: 0x0027,
  /** PASSWORD-ALGORITHMS (RFC 8489). */
  PasswordAlgorithms: 0x8002,
  /** ALTERNATE-DOMAIN (RFC 8489). */
  AlternateDomain: 0x8003,
  /** SOFTWARE: a textual description of the agent. */
  Software: 0x8022,
  /** ALTERNATE-SERVER. */
  AlternateServer: 0x8023,
  /** FINGERPRINT: CRC-32 of the message XOR 0x5354554e; always the last attribute. */
  Fingerprint: 0x8028,
  /** ICE-CONTROLLED (ICE, RFC 8445). */
  IceControlled: 0x8029,
  /** ICE-CONTROLLING (ICE, RFC 8445). */
  IceControlling: 0x802a,
  /** RESPONSE-ORIGIN (RFC 5780). */
  ResponseOrigin: 0x802b,
  /** OTHER-ADDRESS (RFC 5780). */
  OtherAddress: 0x802c,
} as const;

/** One of the values of {@link StunAttributeType}. */
export type StunAttributeTypeValue = (typeof StunAttributeType)[keyof typeof StunAttributeType];

/** True when an attribute type is in the comprehension-required range 0x0000..0x7FFF. */
export function isComprehensionRequired(attributeType: number): boolean {
  return (attributeType & 0x8000) === 0;
}

/** Address family codes used inside (XOR-)MAPPED-ADDRESS. */
export const StunAddressFamily = {
  /** IPv4: 4-byte address. */
  IPv4: 0x01,
  /** IPv6: 16-byte address. */
  IPv6: 0x02,
} as const;
