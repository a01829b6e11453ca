import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decodeSoftware,
  getMappedAddress,
  getStunAttribute,
  parseStunMessage,
  StunAttributeType,
  StunClass,
  StunMethod,
  verifyFingerprint,
} from '../src/stun/index.js';

/** Hex with whitespace → bytes. */
function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  const bytes = new Uint8Array(clean.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

// RFC 5769 §2.1 Sample Request.
const request = hex(`
  00 01 00 58  21 12 a4 42  b7 e7 a7 01  bc 34 d6 86  fa 87 df ae
  80 22 00 10  53 54 55 4e  20 74 65 73  74 20 63 6c  69 65 6e 74
  00 24 00 04  6e 00 01 ff
  80 29 00 08  93 2f f9 b1  51 26 3b 36
  00 06 00 09  65 76 74 6a  3a 68 36 76  59 20 20 20
  00 08 00 14  9a ea a7 0c  bf d8 cb 56  78 1e f2 b5  b2 d3 f2 49  c1 b5 71 a2
  80 28 00 04  e5 7a 3b cf
`);

// RFC 5769 §2.2 Sample IPv4 Response.
const responseV4 = hex(`
  01 01 00 3c  21 12 a4 42  b7 e7 a7 01  bc 34 d6 86  fa 87 df ae
  80 22 00 0b  74 65 73 74  20 76 65 63  74 6f 72 20
  00 20 00 08  00 01 a1 47  e1 12 a6 43
  00 08 00 14  2b 91 f5 99  fd 9e 90 c3  8c 74 89 f9  2a f9 ba 53  f0 6b e7 d7
  80 28 00 04  c0 7d 4c 96
`);

// RFC 5769 §2.3 Sample IPv6 Response.
const responseV6 = hex(`
  01 01 00 48  21 12 a4 42  b7 e7 a7 01  bc 34 d6 86  fa 87 df ae
  80 22 00 0b  74 65 73 74  20 76 65 63  74 6f 72 20
  00 20 00 14  00 02 a1 47  01 13 a9 fa  a5 d3 f1 79  bc 25 f4 b5  be d2 b9 d9
  00 08 00 14  a3 82 95 4e  4b e6 7b f1  17 84 c9 7c  82 92 c2 75  bf e3 ed 41
  80 28 00 04  c8 fb 0b 4c
`);

const transactionId = hex('b7 e7 a7 01 bc 34 d6 86 fa 87 df ae');
const password = 'VOkJxbRl1RmTxUk/WvJxBt';

/**
 * Checks the short-term MESSAGE-INTEGRITY of a vector with node:crypto: this
 * proves the bytes above are the RFC's, independently of our own CRC-32.
 */
function integrityMatches(bytes: Uint8Array): boolean {
  const message = parseStunMessage(bytes);
  const integrity = message.attributes.find((a) => a.type === StunAttributeType.MessageIntegrity);
  if (integrity === undefined) return false;
  const covered = bytes.slice(0, integrity.offset);
  const length = integrity.offset + 24 - 20; // length as if MESSAGE-INTEGRITY were last
  covered[2] = length >> 8;
  covered[3] = length & 0xff;
  const mac = createHmac('sha1', password).update(covered).digest();
  return Buffer.from(integrity.value).equals(mac);
}

describe('RFC 5769 test vectors', () => {
  it('§2.1 sample request parses, with its attributes and a valid FINGERPRINT', () => {
    expect(request.length).toBe(108);
    const message = parseStunMessage(request);
    expect(message.messageClass).toBe(StunClass.Request);
    expect(message.method).toBe(StunMethod.Binding);
    expect(message.transactionId).toEqual(transactionId);
    expect(message.fingerprint).toBe('valid');
    expect(verifyFingerprint(request)).toBe(true);
    expect(message.attributes.map((a) => a.type)).toEqual([0x8022, 0x0024, 0x8029, 0x0006, 0x0008, 0x8028]);
    expect(decodeSoftware(getStunAttribute(message, StunAttributeType.Software)!)).toBe('STUN test client');
    expect(new TextDecoder().decode(getStunAttribute(message, StunAttributeType.Username))).toBe('evtj:h6vY');
    expect(getStunAttribute(message, StunAttributeType.Priority)).toEqual(hex('6e 00 01 ff'));
    expect(integrityMatches(request)).toBe(true);
  });

  it('§2.2 IPv4 response: XOR-MAPPED-ADDRESS 192.0.2.1:32853, valid FINGERPRINT', () => {
    const message = parseStunMessage(responseV4);
    expect(message.messageClass).toBe(StunClass.SuccessResponse);
    expect(message.method).toBe(StunMethod.Binding);
    expect(message.fingerprint).toBe('valid');
    expect(verifyFingerprint(responseV4)).toBe(true);
    expect(decodeSoftware(getStunAttribute(message, StunAttributeType.Software)!)).toBe('test vector');
    expect(getMappedAddress(message)).toEqual({ family: 'IPv4', address: '192.0.2.1', port: 32853 });
    expect(integrityMatches(responseV4)).toBe(true);
  });

  it('§2.3 IPv6 response: XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853, valid FINGERPRINT', () => {
    const message = parseStunMessage(responseV6);
    expect(message.messageClass).toBe(StunClass.SuccessResponse);
    expect(message.fingerprint).toBe('valid');
    expect(verifyFingerprint(responseV6)).toBe(true);
    expect(getMappedAddress(message)).toEqual({
      family: 'IPv6',
      address: '2001:db8:1234:5678:11:2233:4455:6677',
      port: 32853,
    });
    expect(integrityMatches(responseV6)).toBe(true);
  });

  it('a flipped bit anywhere before the FINGERPRINT makes it invalid (never a throw)', () => {
    for (const vector of [request, responseV4, responseV6]) {
      for (let i = 20; i < vector.length - 4; i++) {
        const copy = vector.slice();
        copy[i] = copy[i]! ^ 0x01;
        let status: string;
        try {
          status = parseStunMessage(copy).fingerprint;
        } catch {
          status = 'malformed';
        }
        expect(status).not.toBe('valid');
        expect(verifyFingerprint(copy)).toBe(false);
      }
    }
  });
});
