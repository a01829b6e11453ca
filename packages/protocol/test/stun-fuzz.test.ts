import { describe, expect, it } from 'vitest';
import { MalformedInputError } from '../src/errors.js';
import {
  buildBindingError,
  buildBindingRequest,
  buildBindingSuccess,
  decodeErrorCode,
  decodeMappedAddress,
  decodeSoftware,
  decodeUnknownAttributes,
  decodeXorMappedAddress,
  encodeStunMessage,
  isStunMessage,
  parseIpAddress,
  parseStunMessage,
  StunAttributeType,
  unknownComprehensionRequired,
  verifyFingerprint,
} from '../src/stun/index.js';
import { Prng } from '../src/testing/index.js';

/** Seeded PRNG (the simulator's mulberry32) as a function, so failures reproduce. */
function prng(seed: number): () => number {
  const random = new Prng(seed);
  return () => random.next();
}

const random = prng(0x5754_4e21);
const int = (n: number): number => Math.floor(random() * n);
const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(256));

const ATTRIBUTE_TYPES = [
  StunAttributeType.MappedAddress,
  StunAttributeType.XorMappedAddress,
  StunAttributeType.Software,
  StunAttributeType.ErrorCode,
  StunAttributeType.UnknownAttributes,
  StunAttributeType.MessageIntegrity,
  StunAttributeType.MessageIntegritySha256,
  StunAttributeType.Fingerprint,
  StunAttributeType.ChangeRequest,
  0x7fff,
  0xffff,
];

/** A well-formed message with random attributes (values of random, often plausible, lengths). */
function randomMessage(): Uint8Array {
  const attributes = Array.from({ length: int(5) }, () => {
    const type = random() < 0.8 ? ATTRIBUTE_TYPES[int(ATTRIBUTE_TYPES.length)]! : int(0x10000);
    const length = [0, 2, 4, 8, 20, int(40)][int(6)]!;
    const value = bytes(length);
    if (
      (type === StunAttributeType.XorMappedAddress || type === StunAttributeType.MappedAddress) &&
      length >= 2
    ) {
      value[1] = 1 + int(3);
    }
    return { type, value };
  });
  return encodeStunMessage({
    type: int(0x4000),
    transactionId: bytes(12),
    attributes,
    fingerprint: random() < 0.5,
  });
}

const seeds: Uint8Array[] = [
  buildBindingRequest(bytes(12)),
  buildBindingRequest(bytes(12), { software: 'fuzz client' }),
  buildBindingSuccess({
    transactionId: bytes(12),
    address: { family: 'IPv4', address: '198.51.100.9', port: 1 },
  }),
  buildBindingSuccess({
    transactionId: bytes(12),
    address: { family: 'IPv6', address: '2001:db8::9', port: 65535 },
    software: 'srv',
  }),
  buildBindingError({
    transactionId: bytes(12),
    code: 420,
    reason: 'Unknown Attribute',
    unknownAttributes: [3],
  }),
];

function mutate(input: Uint8Array): Uint8Array {
  let out = input.slice();
  const edits = 1 + int(4);
  for (let e = 0; e < edits; e++) {
    const op = int(7);
    if (op === 0 && out.length > 0) out[int(out.length)] = int(256);
    else if (op === 1 && out.length > 0) out[int(out.length)]! ^= 1 << int(8);
    else if (op === 2) out = out.slice(0, int(out.length + 1));
    else if (op === 3) {
      const extended = new Uint8Array(out.length + int(12));
      extended.set(out);
      extended.set(bytes(extended.length - out.length), out.length);
      out = extended;
    } else if (op === 4 && out.length >= 4) {
      // Make the header length consistent again, so the parser walks the attributes.
      const length = Math.max(0, out.length - 20);
      out[2] = length >> 8;
      out[3] = length & 0xff;
    } else if (op === 5 && out.length > 24) {
      // Corrupt an attribute length field somewhere after the header.
      const at = 20 + 4 * int((out.length - 20) / 4);
      if (at + 3 < out.length) out[at + 3] = int(256);
    } else if (op === 6 && out.length >= 20 && random() < 0.3) {
      out[0] = int(256);
    }
  }
  return out;
}

/** Runs every decoder on `input`; returns 'ok' or 'malformed', rethrows anything else. */
function exercise(input: Uint8Array): 'ok' | 'malformed' {
  isStunMessage(input);
  verifyFingerprint(input);
  try {
    const message = parseStunMessage(input);
    unknownComprehensionRequired(message);
    for (const attribute of message.attributes) {
      const decode = (): unknown => {
        switch (attribute.type) {
          case StunAttributeType.XorMappedAddress:
            return decodeXorMappedAddress(attribute.value, message.transactionId);
          case StunAttributeType.MappedAddress:
            return decodeMappedAddress(attribute.value);
          case StunAttributeType.Software:
            return decodeSoftware(attribute.value);
          case StunAttributeType.ErrorCode:
            return decodeErrorCode(attribute.value);
          case StunAttributeType.UnknownAttributes:
            return decodeUnknownAttributes(attribute.value);
          default:
            return undefined;
        }
      };
      try {
        decode();
      } catch (error) {
        if (!(error instanceof MalformedInputError)) throw error;
      }
    }
    return 'ok';
  } catch (error) {
    if (error instanceof MalformedInputError) return 'malformed';
    throw error;
  }
}

describe('STUN codec fuzz', () => {
  it('random bytes, random messages and mutations raise only MalformedInputError', () => {
    const counts = { ok: 0, malformed: 0 };
    const total = 60_000;
    for (let i = 0; i < total; i++) {
      let input: Uint8Array;
      const kind = i % 4;
      if (kind === 0) input = bytes(int(64));
      else if (kind === 1) input = mutate(seeds[int(seeds.length)]!);
      else if (kind === 2) input = randomMessage();
      else input = mutate(randomMessage());
      try {
        counts[exercise(input)]++;
      } catch (error) {
        throw new Error(`input #${i} ${Buffer.from(input).toString('hex')} threw ${String(error)}`);
      }
    }
    expect(counts.ok + counts.malformed).toBe(total);
    // The generator must reach deep into the parser, not stop at the header.
    expect(counts.ok).toBeGreaterThan(total / 4);
    expect(counts.malformed).toBeGreaterThan(total / 10);
  });

  it('IP address text parsing raises only MalformedInputError', () => {
    const alphabet = '0123456789abcdefABCDEF::::....%xg ';
    let parsed = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = Array.from({ length: int(45) }, () => alphabet[int(alphabet.length)]!).join('');
      try {
        parseIpAddress(text);
        parsed++;
      } catch (error) {
        if (!(error instanceof MalformedInputError))
          throw new Error(`${JSON.stringify(text)} threw ${String(error)}`);
      }
    }
    expect(parsed).toBeGreaterThanOrEqual(0);
  });
});
