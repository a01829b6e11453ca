/**
 * Wire-level caps of the lobby protocol. Both sides enforce them when
 * decoding; the encoders refuse to produce messages beyond them. Lengths of
 * strings are in UTF-16 code units (JavaScript `string.length`).
 *
 * @module
 */

/** Largest control frame a client may send (kind byte included), in bytes: 32 KiB. */
export const MAX_CONTROL_FRAME_BYTES = 32 * 1024;
/**
 * Largest control frame the lobby may send (kind byte included), in bytes:
 * 256 KiB (a full `room:list-result` or `room:joined` of a 64-member room).
 */
export const MAX_SERVER_CONTROL_FRAME_BYTES = 256 * 1024;
/** Maximum nesting of a control message body (the top-level map is depth 1). */
export const MAX_CONTROL_DEPTH = 8;
/** Maximum elements of any array / entries of any map in a control message. */
export const MAX_CONTROL_CONTAINER_ENTRIES = 128;

/** Default maximum relay payload (one session datagram), in bytes. The lobby announces its own value in `welcome.limits`. */
export const DEFAULT_MAX_RELAY_PAYLOAD_BYTES = 1200;
/** Upper bound for any configured relay payload cap, so that a whole relay frame stays below 64 KiB. */
export const MAX_RELAY_PAYLOAD_BYTES_LIMIT = 65_535 - 3;

/** Maximum player display name length. Names are 1..32 code units, no control characters. */
export const MAX_NAME_LENGTH = 32;
/** Maximum room name length. Room names are 1..64 code units, no control characters. */
export const MAX_ROOM_NAME_LENGTH = 64;
/** Maximum room password length (1..64 code units, any characters). */
export const MAX_PASSWORD_LENGTH = 64;
/** Maximum length of the opaque `auth` string handed to the lobby's authenticate hook. */
export const MAX_AUTH_LENGTH = 4096;
/** Maximum length of a player id or room id (1..64 characters of `[A-Za-z0-9_-]`). */
export const MAX_ID_LENGTH = 64;
/** Minimum length of a session token, resume token or pair nonce (≥ 96 bits in base64url). */
export const MIN_TOKEN_LENGTH = 16;
/** Maximum length of a session token, resume token or pair nonce (`[A-Za-z0-9_.~-]`). */
export const MAX_TOKEN_LENGTH = 256;
/** Maximum length of a sealed room ticket (`room:joined.ticket`, `hello.restore.ticket`; base64url). */
export const MAX_TICKET_LENGTH = 4096;
/** Minimum room join code length. */
export const MIN_ROOM_CODE_LENGTH = 4;
/** Maximum room join code length (`[A-Za-z0-9]`; lobbies issue upper case and compare case-insensitively). */
export const MAX_ROOM_CODE_LENGTH = 16;

/** Smallest room capacity. */
export const MIN_ROOM_CAPACITY = 2;
/** Largest room capacity. */
export const MAX_ROOM_CAPACITY = 64;
/** Most rooms in one `room:list-result`, and the largest `room:list` limit. */
export const MAX_ROOMS_LISTED = 100;

/** Most entries in a metadata map. */
export const MAX_METADATA_KEYS = 32;
/** Maximum metadata key length (1..32 characters of `[A-Za-z0-9_.:-]`). */
export const MAX_METADATA_KEY_LENGTH = 32;
/** Maximum length of a string metadata value. */
export const MAX_METADATA_STRING_LENGTH = 256;
/** Maximum size of a metadata map in its canonical MessagePack encoding, in bytes. */
export const MAX_METADATA_BYTES = 1024;

/** Maximum SDP length in a `description` signal: 16 KiB. */
export const MAX_SDP_LENGTH = 16 * 1024;
/** Maximum ICE candidate line length. */
export const MAX_CANDIDATE_LENGTH = 512;
/** Maximum `sdpMid` length. */
export const MAX_SDP_MID_LENGTH = 64;

/** Most ICE servers in `welcome.iceServers`. */
export const MAX_ICE_SERVERS = 8;
/** Most URLs of one ICE server. */
export const MAX_ICE_URLS = 8;
/** Maximum length of an ICE server URL (`stun:`, `stuns:`, `turn:` or `turns:`). */
export const MAX_ICE_URL_LENGTH = 512;
/** Maximum length of an ICE server username or credential. */
export const MAX_ICE_CREDENTIAL_LENGTH = 512;

/** Maximum length of an `error` message text. */
export const MAX_ERROR_MESSAGE_LENGTH = 256;
