/**
 * Hardened MessagePack codecs built on msgpackr.
 *
 * - A FROZEN list of shared record structures (`maxSharedStructures` equals
 *   its length, no own structures, never `sequential`): every encoded
 *   message is self-contained, so a lost first message never breaks
 *   decoding on the peer.
 * - Decoding hostile bytes: size cap first, then a structural pre-scan
 *   ({@link checkMsgpackStructure}: depth, container sizes, no extension
 *   types, string map keys, no `__proto__`/`constructor`/`prototype` keys,
 *   no trailing bytes), then msgpackr, then the caller's `validate`.
 *   Whatever the bytes, only a `HandoffError` subclass is thrown.
 *
 * @module
 */

import type { Codec } from '../codec.js';
import {
  HandoffError,
  InvalidMessageError,
  InvalidOptionError,
  MalformedInputError,
  MessageTooLargeError,
} from '../errors.js';
import { Packr } from '../vendor/msgpackr.js';
import { FORBIDDEN_KEYS } from './validate.js';

/** Default cap on an encoded message, in bytes (the session's reliable-message cap). */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
/** Default cap on container nesting (a top-level map is depth 1). */
export const DEFAULT_MAX_DEPTH = 16;
/** Default cap on the number of elements of one array or entries of one map. */
export const DEFAULT_MAX_ENTRIES = 1024;
/** Most shared structures a codec may declare (one-byte record ids `0x40..0x5f`). */
export const MAX_SHARED_STRUCTURES = 32;
/** Hard ceiling for `maxDepth` (the pre-scan and msgpackr both recurse). */
export const MAX_DEPTH_LIMIT = 64;

/** Limits applied by {@link checkMsgpackStructure}. */
export interface MsgpackStructureLimits {
  /** Maximum container nesting; a top-level map or array is depth 1. */
  maxDepth: number;
  /** Maximum elements of one array / entries of one map / fields of one record. */
  maxEntries: number;
  /** Whether `bin 8/16/32` values are allowed. */
  allowBinary: boolean;
  /**
   * Field counts of the shared record structures, by id: a byte `0x40 + i`
   * with `i < structureSizes.length` is a record followed by
   * `structureSizes[i]` values (msgpackr's record extension). Empty for
   * plain MessagePack.
   */
  structureSizes: readonly number[];
}

const FORBIDDEN_KEY_BYTES: readonly Uint8Array[] = FORBIDDEN_KEYS.map((key) => new TextEncoder().encode(key));
const FORBIDDEN_KEY_LENGTHS: ReadonlySet<number> = new Set(FORBIDDEN_KEY_BYTES.map((key) => key.length));

function malformed(reason: string): never {
  throw new MalformedInputError(`malformed MessagePack: ${reason}`);
}

/**
 * Checks that `bytes` hold exactly one MessagePack value within `limits`,
 * without building it. Accepts nil, booleans, integers, floats, strings,
 * (optionally) binary, arrays, maps whose keys are strings other than
 * `__proto__`, `constructor` and `prototype`, and records of the declared
 * shared structures. Rejects extension types (timestamps, msgpackr record
 * definitions, `undefined`), the never-used byte `0xc1`, truncation and
 * trailing bytes. Throws {@link MalformedInputError}; never allocates in
 * proportion to a declared length.
 */
export function checkMsgpackStructure(bytes: Uint8Array, limits: MsgpackStructureLimits): void {
  if (bytes.length === 0) malformed('empty input');
  const scanner = new Scanner(bytes, limits);
  scanner.value(0);
  if (scanner.pos !== bytes.length) malformed(`${bytes.length - scanner.pos} trailing bytes`);
}

/** The pre-scan's cursor (a class with prototype methods: fast, no per-call closures). */
class Scanner {
  pos = 0;
  private readonly end: number;
  private readonly maxDepth: number;
  private readonly maxEntries: number;
  private readonly allowBinary: boolean;
  private readonly structureSizes: readonly number[];

  constructor(
    private readonly bytes: Uint8Array,
    limits: MsgpackStructureLimits,
  ) {
    this.end = bytes.length;
    this.maxDepth = limits.maxDepth;
    this.maxEntries = limits.maxEntries;
    this.allowBinary = limits.allowBinary;
    this.structureSizes = limits.structureSizes;
  }

  private skip(length: number): void {
    if (length > this.end - this.pos) malformed('truncated');
    this.pos += length;
  }

  private uint(size: 1 | 2 | 4): number {
    if (size > this.end - this.pos) malformed('truncated');
    const b = this.bytes;
    const p = this.pos;
    this.pos += size;
    if (size === 1) return b[p]!;
    if (size === 2) return (b[p]! << 8) | b[p + 1]!;
    return b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
  }

  private enter(count: number, minBytesEach: number, depth: number): void {
    if (depth >= this.maxDepth) malformed(`nesting deeper than ${this.maxDepth}`);
    if (count > this.maxEntries) malformed(`container of ${count} entries exceeds ${this.maxEntries}`);
    if (count * minBytesEach > this.end - this.pos) malformed('truncated container');
  }

  private key(): void {
    const token = this.uint(1);
    let length: number;
    if (token >= 0xa0 && token <= 0xbf) length = token & 0x1f;
    else if (token === 0xd9) length = this.uint(1);
    else if (token === 0xda) length = this.uint(2);
    else if (token === 0xdb) length = this.uint(4);
    else malformed('map key is not a string');
    if (length > this.end - this.pos) malformed('truncated');
    if (FORBIDDEN_KEY_LENGTHS.has(length)) {
      for (const forbidden of FORBIDDEN_KEY_BYTES) {
        if (forbidden.length === length && forbidden.every((byte, i) => this.bytes[this.pos + i] === byte)) {
          malformed('forbidden map key');
        }
      }
    }
    this.pos += length;
  }

  private map(count: number, depth: number): void {
    this.enter(count, 2, depth);
    for (let i = 0; i < count; i++) {
      this.key();
      this.value(depth + 1);
    }
  }

  private array(count: number, depth: number): void {
    this.enter(count, 1, depth);
    for (let i = 0; i < count; i++) this.value(depth + 1);
  }

  value(depth: number): void {
    const token = this.uint(1);
    if (token < 0x80) {
      const record = token - 0x40;
      if (record >= 0 && record < this.structureSizes.length) {
        const fields = this.structureSizes[record]!;
        this.enter(fields, 1, depth);
        for (let i = 0; i < fields; i++) this.value(depth + 1);
      }
      return; // otherwise a positive fixint
    }
    if (token >= 0xe0) return; // negative fixint
    if (token <= 0x8f) {
      this.map(token & 0x0f, depth);
      return;
    }
    if (token <= 0x9f) {
      this.array(token & 0x0f, depth);
      return;
    }
    if (token <= 0xbf) {
      this.skip(token & 0x1f);
      return;
    }
    switch (token) {
      case 0xc0: // nil
      case 0xc2: // false
      case 0xc3: // true
        return;
      case 0xc4:
      case 0xc5:
      case 0xc6:
        if (!this.allowBinary) malformed('binary values are not allowed');
        this.skip(this.uint(token === 0xc4 ? 1 : token === 0xc5 ? 2 : 4));
        return;
      case 0xcc: // uint 8
      case 0xd0: // int 8
        this.skip(1);
        return;
      case 0xcd: // uint 16
      case 0xd1: // int 16
        this.skip(2);
        return;
      case 0xca: // float 32
      case 0xce: // uint 32
      case 0xd2: // int 32
        this.skip(4);
        return;
      case 0xcb: // float 64
      case 0xcf: // uint 64
      case 0xd3: // int 64
        this.skip(8);
        return;
      case 0xd9:
        this.skip(this.uint(1));
        return;
      case 0xda:
        this.skip(this.uint(2));
        return;
      case 0xdb:
        this.skip(this.uint(4));
        return;
      case 0xdc:
        this.array(this.uint(2), depth);
        return;
      case 0xdd:
        this.array(this.uint(4), depth);
        return;
      case 0xde:
        this.map(this.uint(2), depth);
        return;
      case 0xdf:
        this.map(this.uint(4), depth);
        return;
      default: // 0xc1 (never used), 0xc7..0xc9 and 0xd4..0xd8 (extensions)
        malformed(`unsupported type byte 0x${token.toString(16)}`);
    }
  }
}

/** Options of {@link createMessageCodec}. */
export interface MessageCodecOptions<T> {
  /**
   * The frozen list of shared record structures (key lists), at most
   * {@link MAX_SHARED_STRUCTURES}. Objects whose own keys equal one of them
   * (same order) are sent as a one-byte record id plus values; any other
   * object is sent as a plain map. BOTH PEERS MUST USE THE SAME LIST:
   * append-only changes need a protocol version bump. Omit for plain
   * MessagePack maps (interoperable with any MessagePack library).
   */
  structures?: readonly (readonly string[])[];
  /**
   * Checks a decoded value and returns it typed (ideally as a fresh object
   * with only the known fields). Throws `InvalidMessageError`; any other
   * throw is wrapped in one. Also run on `encode`, so a sender cannot
   * produce what the receiver rejects.
   */
  validate: (value: unknown) => T;
  /** Largest encoded message, in bytes. Default {@link DEFAULT_MAX_MESSAGE_BYTES}. */
  maxBytes?: number;
  /** Maximum container nesting. Default {@link DEFAULT_MAX_DEPTH}, at most {@link MAX_DEPTH_LIMIT}. */
  maxDepth?: number;
  /** Maximum entries per array or map. Default {@link DEFAULT_MAX_ENTRIES}. */
  maxEntries?: number;
  /** Whether binary (`Uint8Array`) values are allowed. Default `true`. Decoded binaries are copies. */
  allowBinary?: boolean;
}

function positiveInteger(value: number | undefined, fallback: number, name: string, max: number): number {
  const result = value ?? fallback;
  if (!Number.isInteger(result) || result < 1 || result > max) {
    throw new InvalidOptionError(`${name} must be an integer in 1..${max}, got ${String(value)}`);
  }
  return result;
}

function checkStructures(structures: readonly (readonly string[])[]): string[][] {
  if (structures.length > MAX_SHARED_STRUCTURES) {
    throw new InvalidOptionError(`at most ${MAX_SHARED_STRUCTURES} structures are supported`);
  }
  return structures.map((keys, index) => {
    if (keys.length === 0) throw new InvalidOptionError(`structure ${index} has no keys`);
    if (new Set(keys).size !== keys.length) throw new InvalidOptionError(`structure ${index} repeats a key`);
    for (const key of keys) {
      if (typeof key !== 'string' || FORBIDDEN_KEYS.includes(key)) {
        throw new InvalidOptionError(`structure ${index} has a forbidden key`);
      }
    }
    return [...keys];
  });
}

/** Views msgpackr's output (a `Buffer` under Node) as a plain `Uint8Array` without copying. */
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Creates a hardened MessagePack {@link Codec}. See the module comment for
 * the decoding pipeline. `encode` validates the value, packs it and throws
 * {@link MessageTooLargeError} past `maxBytes`; `decode` throws
 * `MessageTooLargeError`, `MalformedInputError` or `InvalidMessageError`.
 *
 * Encoding is deterministic: the same value (same key order) always gives
 * the same bytes, independent of what was encoded before.
 */
export function createMessageCodec<T>(options: MessageCodecOptions<T>): Codec<T> {
  const { validate } = options;
  if (typeof validate !== 'function') throw new InvalidOptionError('validate must be a function');
  const maxBytes = positiveInteger(options.maxBytes, DEFAULT_MAX_MESSAGE_BYTES, 'maxBytes', 0x7fff_ffff);
  const maxDepth = positiveInteger(options.maxDepth, DEFAULT_MAX_DEPTH, 'maxDepth', MAX_DEPTH_LIMIT);
  const maxEntries = positiveInteger(options.maxEntries, DEFAULT_MAX_ENTRIES, 'maxEntries', 0xffff_ffff);
  const structures = checkStructures(options.structures ?? []);
  const limits: MsgpackStructureLimits = {
    maxDepth,
    maxEntries,
    allowBinary: options.allowBinary ?? true,
    structureSizes: Object.freeze(structures.map((keys) => keys.length)),
  };
  const packr =
    structures.length > 0
      ? new Packr({
          structures,
          maxSharedStructures: structures.length,
          maxOwnStructures: 0,
          useRecords: true,
          mapsAsObjects: true,
          variableMapSize: true,
          encodeUndefinedAsNil: true,
          copyBuffers: true,
          int64AsType: 'number',
        })
      : new Packr({
          useRecords: false,
          mapsAsObjects: true,
          variableMapSize: true,
          encodeUndefinedAsNil: true,
          copyBuffers: true,
          int64AsType: 'number',
        });

  const check = (value: unknown): T => {
    try {
      return validate(value);
    } catch (error) {
      if (error instanceof HandoffError) throw error;
      throw new InvalidMessageError(
        `invalid message: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };

  return {
    encode(value: T): Uint8Array {
      const checked = check(value);
      let bytes: Uint8Array;
      try {
        bytes = plain(packr.pack(checked));
      } catch (error) {
        throw new InvalidMessageError(
          `cannot encode message: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      if (bytes.length > maxBytes) {
        throw new MessageTooLargeError(
          `message of ${bytes.length} bytes exceeds ${maxBytes}`,
          bytes.length,
          maxBytes,
        );
      }
      return bytes;
    },
    decode(bytes: Uint8Array): T {
      if (!(bytes instanceof Uint8Array)) throw new MalformedInputError('expected a Uint8Array');
      if (bytes.length > maxBytes) {
        throw new MessageTooLargeError(
          `message of ${bytes.length} bytes exceeds ${maxBytes}`,
          bytes.length,
          maxBytes,
        );
      }
      checkMsgpackStructure(bytes, limits);
      let decoded: unknown;
      try {
        // A fresh view: msgpackr caches a DataView on the object it is given.
        decoded = packr.unpack(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      } catch (error) {
        throw new MalformedInputError(
          `malformed MessagePack: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      return check(decoded);
    },
  };
}
