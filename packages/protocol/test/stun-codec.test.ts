import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError, MalformedInputError } from '../src/errors.js';
import {
  buildBindingError,
  buildBindingRequest,
  buildBindingSuccess,
  canonicalTransportAddress,
  crc32,
  createTransactionId,
  decodeErrorCode,
  decodeMappedAddress,
  decodeMessageType,
  decodeSoftware,
  decodeUnknownAttributes,
  decodeXorMappedAddress,
  encodeMappedAddress,
  encodeMessageType,
  encodeSoftware,
  encodeStunMessage,
  encodeXorMappedAddress,
  formatIpv6,
  getMappedAddress,
  getStunAttribute,
  isStunMessage,
  parseIpv4,
  parseIpv6,
  parseStunMessage,
  STUN_MAGIC_COOKIE,
  StunAttributeType,
  StunClass,
  StunMessageType,
  StunMethod,
  type TransportAddress,
  transactionIdsEqual,
  unknownComprehensionRequired,
  unmapIpv4,
  verifyFingerprint,
} from '../src/stun/index.js';

const tid = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

describe('crc32', () => {
  it('matches the standard check value and the empty input', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(new TextEncoder().encode('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });
});

describe('message type', () => {
  it('encodes the Binding types', () => {
    expect(encodeMessageType(StunMethod.Binding, StunClass.Request)).toBe(StunMessageType.BindingRequest);
    expect(encodeMessageType(StunMethod.Binding, StunClass.Indication)).toBe(
      StunMessageType.BindingIndication,
    );
    expect(encodeMessageType(StunMethod.Binding, StunClass.SuccessResponse)).toBe(
      StunMessageType.BindingSuccessResponse,
    );
    expect(encodeMessageType(StunMethod.Binding, StunClass.ErrorResponse)).toBe(
      StunMessageType.BindingErrorResponse,
    );
    // TURN Allocate (0x003) request / success: 0x0003 / 0x0103.
    expect(encodeMessageType(0x003, StunClass.Request)).toBe(0x0003);
    expect(encodeMessageType(0x003, StunClass.SuccessResponse)).toBe(0x0103);
  });

  it('round-trips every method and class', () => {
    const failures: string[] = [];
    for (let method = 0; method < 0x1000; method++) {
      for (const messageClass of [0, 1, 2, 3] as const) {
        const type = encodeMessageType(method, messageClass);
        const back = decodeMessageType(type);
        if (type >= 0x4000 || back.method !== method || back.messageClass !== messageClass) {
          failures.push(`${method}/${messageClass}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('IP address text', () => {
  it('parses and formats IPv4', () => {
    expect(parseIpv4('192.0.2.1')).toEqual(Uint8Array.from([192, 0, 2, 1]));
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-4', '', 'a.b.c.d', '1..2.3']) {
      expect(() => parseIpv4(bad), bad).toThrow(MalformedInputError);
    }
  });

  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:db8::ff00:42:8329'],
    ['2001:db8:1234:5678:11:2233:4455:6677', '2001:db8:1234:5678:11:2233:4455:6677'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::ffff:102:304', '::ffff:1.2.3.4'],
    ['0:0:0:0:0:ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['fe80::1%eth0', 'fe80::1'],
  ])('IPv6 %s → %s', (text, canonical) => {
    expect(formatIpv6(parseIpv6(text))).toBe(canonical);
  });

  it('rejects malformed IPv6', () => {
    for (const bad of [
      '',
      ':',
      ':::',
      '1:::2',
      '1::2::3',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7::8',
      '12345::',
      'g::1',
      ':1::',
      '1::2:',
      '1.2.3.4::',
      '::1.2.3',
      'fe80::1%',
      '::ffff:1.2.3.4:5',
    ]) {
      expect(() => parseIpv6(bad), bad).toThrow(MalformedInputError);
    }
  });

  it('unmaps IPv4-mapped addresses and canonicalizes transport addresses', () => {
    expect(unmapIpv4('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(unmapIpv4('::FFFF:7f00:1')).toBe('127.0.0.1');
    expect(unmapIpv4('::1')).toBeUndefined();
    expect(unmapIpv4('1.2.3.4')).toBeUndefined();
    expect(unmapIpv4('nonsense:')).toBeUndefined();
    expect(canonicalTransportAddress('::ffff:127.0.0.1', 5)).toEqual({
      family: 'IPv4',
      address: '127.0.0.1',
      port: 5,
    });
    expect(canonicalTransportAddress('0:0::1', 6)).toEqual({ family: 'IPv6', address: '::1', port: 6 });
    expect(canonicalTransportAddress('10.0.0.1', 7)).toEqual({
      family: 'IPv4',
      address: '10.0.0.1',
      port: 7,
    });
  });

  it('round-trips random IPv6 bytes through text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        expect(parseIpv6(formatIpv6(bytes))).toEqual(bytes);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('address attributes', () => {
  const address = fc.oneof(
    fc.record({
      family: fc.constant('IPv4' as const),
      address: fc.ipV4(),
      port: fc.integer({ min: 0, max: 65535 }),
    }),
    fc.record({
      family: fc.constant('IPv6' as const),
      address: fc.uint8Array({ minLength: 16, maxLength: 16 }).map(formatIpv6),
      port: fc.integer({ min: 0, max: 65535 }),
    }),
  );

  it('XOR-MAPPED-ADDRESS and MAPPED-ADDRESS round-trip', () => {
    fc.assert(
      fc.property(address, fc.uint8Array({ minLength: 12, maxLength: 12 }), (a: TransportAddress, id) => {
        const decoded = decodeXorMappedAddress(encodeXorMappedAddress(a, id), id);
        expect(decoded.port).toBe(a.port);
        expect(decoded.family).toBe(a.family);
        expect(parseIpOf(decoded)).toEqual(parseIpOf(a));
        expect(parseIpOf(decodeMappedAddress(encodeMappedAddress(a)))).toEqual(parseIpOf(a));
      }),
      { numRuns: 1000 },
    );
  });

  it('XORs the port with 0x2112 and the IPv4 address with the cookie', () => {
    const value = encodeXorMappedAddress({ family: 'IPv4', address: '192.0.2.1', port: 32853 }, tid);
    expect(Array.from(value)).toEqual([0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43]);
    expect(STUN_MAGIC_COOKIE >>> 16).toBe(0x2112);
  });

  it('rejects bad values with MalformedInputError and bad input with InvalidOptionError', () => {
    expect(() => decodeXorMappedAddress(Uint8Array.from([0, 1, 0, 0]), tid)).toThrow(MalformedInputError);
    expect(() => decodeXorMappedAddress(Uint8Array.from([0, 3, 0, 0, 1, 2, 3, 4]), tid)).toThrow(
      MalformedInputError,
    );
    expect(() =>
      decodeXorMappedAddress(
        new Uint8Array(20).fill(0).map((_, i) => (i === 1 ? 1 : 0)),
        tid,
      ),
    ).toThrow(MalformedInputError);
    expect(() => decodeMappedAddress(new Uint8Array(2))).toThrow(MalformedInputError);
    expect(() => encodeXorMappedAddress({ family: 'IPv4', address: '::1', port: 1 }, tid)).toThrow(
      InvalidOptionError,
    );
    expect(() => encodeXorMappedAddress({ family: 'IPv4', address: '1.2.3.4', port: 70000 }, tid)).toThrow(
      InvalidOptionError,
    );
    expect(() =>
      encodeXorMappedAddress({ family: 'IPv4', address: '1.2.3.4', port: 1 }, new Uint8Array(11)),
    ).toThrow(InvalidOptionError);
  });
});

function parseIpOf(a: TransportAddress): Uint8Array {
  return a.family === 'IPv4' ? parseIpv4(a.address) : parseIpv6(a.address);
}

describe('Binding messages', () => {
  it('builds a 28-byte request with FINGERPRINT', () => {
    const request = buildBindingRequest(tid);
    expect(request.length).toBe(28);
    expect(isStunMessage(request)).toBe(true);
    expect(verifyFingerprint(request)).toBe(true);
    const message = parseStunMessage(request);
    expect(message.type).toBe(StunMessageType.BindingRequest);
    expect(transactionIdsEqual(message.transactionId, tid)).toBe(true);
    expect(message.attributes.map((a) => a.type)).toEqual([StunAttributeType.Fingerprint]);
    expect(message.fingerprint).toBe('valid');
    expect(buildBindingRequest(tid, { fingerprint: false }).length).toBe(20);
    const named = parseStunMessage(buildBindingRequest(tid, { software: 'bot/1' }));
    expect(decodeSoftware(getStunAttribute(named, StunAttributeType.Software)!)).toBe('bot/1');
  });

  it.each([
    { family: 'IPv4', address: '203.0.113.7', port: 40000 },
    { family: 'IPv6', address: '2001:db8::7', port: 1 },
  ] as const)('builds a success response for %o', (address) => {
    const bytes = buildBindingSuccess({ transactionId: tid, address, software: 'handoff-lobby' });
    const message = parseStunMessage(bytes);
    expect(message.type).toBe(StunMessageType.BindingSuccessResponse);
    expect(message.fingerprint).toBe('valid');
    expect(message.attributes.map((a) => a.type)).toEqual([
      StunAttributeType.XorMappedAddress,
      StunAttributeType.Software,
      StunAttributeType.Fingerprint,
    ]);
    expect(getMappedAddress(message)).toEqual(address);
    expect(decodeSoftware(getStunAttribute(message, StunAttributeType.Software)!)).toBe('handoff-lobby');
    const bare = parseStunMessage(buildBindingSuccess({ transactionId: tid, address }));
    expect(bare.attributes.map((a) => a.type)).toEqual([
      StunAttributeType.XorMappedAddress,
      StunAttributeType.Fingerprint,
    ]);
  });

  it('builds a 420 error response', () => {
    const bytes = buildBindingError({
      transactionId: tid,
      code: 420,
      reason: 'Unknown Attribute',
      unknownAttributes: [0x0003, 0x7777],
    });
    const message = parseStunMessage(bytes);
    expect(message.messageClass).toBe(StunClass.ErrorResponse);
    expect(message.fingerprint).toBe('valid');
    expect(decodeErrorCode(getStunAttribute(message, StunAttributeType.ErrorCode)!)).toEqual({
      code: 420,
      reason: 'Unknown Attribute',
    });
    expect(decodeUnknownAttributes(getStunAttribute(message, StunAttributeType.UnknownAttributes)!)).toEqual([
      0x0003, 0x7777,
    ]);
    expect(() => buildBindingError({ transactionId: tid, code: 200, reason: 'x' })).toThrow(
      InvalidOptionError,
    );
  });

  it('reads MAPPED-ADDRESS when there is no XOR-MAPPED-ADDRESS', () => {
    const bytes = encodeStunMessage({
      type: StunMessageType.BindingSuccessResponse,
      transactionId: tid,
      attributes: [
        {
          type: StunAttributeType.MappedAddress,
          value: encodeMappedAddress({ family: 'IPv4', address: '1.2.3.4', port: 9 }),
        },
      ],
    });
    expect(getMappedAddress(parseStunMessage(bytes))).toEqual({
      family: 'IPv4',
      address: '1.2.3.4',
      port: 9,
    });
    expect(getMappedAddress(parseStunMessage(buildBindingRequest(tid)))).toBeUndefined();
  });

  it('finds unknown comprehension-required attributes', () => {
    const bytes = encodeStunMessage({
      type: StunMessageType.BindingRequest,
      transactionId: tid,
      attributes: [
        { type: StunAttributeType.ChangeRequest, value: new Uint8Array(4) },
        { type: StunAttributeType.Username, value: new Uint8Array(3) },
        { type: 0x8777, value: new Uint8Array(1) },
        { type: 0x7777, value: new Uint8Array(0) },
        { type: StunAttributeType.ChangeRequest, value: new Uint8Array(4) },
      ],
    });
    expect(unknownComprehensionRequired(parseStunMessage(bytes))).toEqual([0x0003, 0x7777]);
  });

  it('validates SOFTWARE length and transaction ids', () => {
    expect(encodeSoftware('x'.repeat(127)).length).toBe(127);
    expect(() => encodeSoftware('x'.repeat(128))).toThrow(InvalidOptionError);
    expect(() => decodeSoftware(Uint8Array.from([0xff]))).toThrow(MalformedInputError);
    expect(createTransactionId((n) => new Uint8Array(n).fill(7))).toEqual(new Uint8Array(12).fill(7));
    expect(() => createTransactionId(() => new Uint8Array(4))).toThrow(InvalidOptionError);
    expect(() => buildBindingRequest(new Uint8Array(16))).toThrow(InvalidOptionError);
  });
});

describe('parser checks', () => {
  const good = buildBindingRequest(tid, { software: 'abc' });

  it('isStunMessage rejects non-STUN headers', () => {
    expect(isStunMessage(good)).toBe(true);
    const wrongCookie = good.slice();
    wrongCookie[4] = 0x21 ^ 0xff;
    expect(isStunMessage(wrongCookie)).toBe(false);
    const topBits = good.slice();
    topBits[0] = 0x80;
    expect(isStunMessage(topBits)).toBe(false);
    expect(isStunMessage(good.subarray(0, 19))).toBe(false);
    expect(isStunMessage(good.subarray(0, good.length - 4))).toBe(false);
    const oddLength = new Uint8Array(22);
    oddLength.set(good.subarray(0, 20));
    oddLength[3] = 2;
    expect(isStunMessage(oddLength)).toBe(false);
    for (const bad of [wrongCookie, topBits, good.subarray(0, 10), oddLength]) {
      expect(() => parseStunMessage(bad)).toThrow(MalformedInputError);
    }
  });

  it('rejects an attribute that overruns, a short FINGERPRINT and an attribute after FINGERPRINT', () => {
    const overrun = encodeStunMessage({
      type: 1,
      transactionId: tid,
      attributes: [{ type: 0x8022, value: new Uint8Array(4) }],
      fingerprint: false,
    });
    overrun[23] = 5; // length 5 → padded 8 > 4 bytes available
    expect(() => parseStunMessage(overrun)).toThrow(MalformedInputError);

    const shortFingerprint = encodeStunMessage({
      type: 1,
      transactionId: tid,
      attributes: [{ type: StunAttributeType.Fingerprint, value: new Uint8Array(2) }],
      fingerprint: false,
    });
    expect(() => parseStunMessage(shortFingerprint)).toThrow(MalformedInputError);

    const after = new Uint8Array(good.length + 4);
    after.set(good);
    after[3] = after[3]! + 4;
    after.set([0x80, 0x22, 0x00, 0x00], good.length);
    expect(() => parseStunMessage(after)).toThrow(MalformedInputError);
  });

  it('reports a wrong FINGERPRINT without throwing', () => {
    const bad = good.slice();
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    expect(parseStunMessage(bad).fingerprint).toBe('invalid');
    expect(verifyFingerprint(bad)).toBe(false);
    expect(parseStunMessage(buildBindingRequest(tid, { fingerprint: false })).fingerprint).toBe('absent');
  });

  it('ignores attributes after MESSAGE-INTEGRITY except MESSAGE-INTEGRITY-SHA256 and FINGERPRINT', () => {
    const bytes = encodeStunMessage({
      type: 1,
      transactionId: tid,
      attributes: [
        { type: StunAttributeType.Software, value: new Uint8Array(1) },
        { type: StunAttributeType.MessageIntegrity, value: new Uint8Array(20) },
        { type: 0x7777, value: new Uint8Array(4) },
        { type: StunAttributeType.MessageIntegritySha256, value: new Uint8Array(32) },
        { type: StunAttributeType.Software, value: new Uint8Array(1) },
      ],
    });
    const message = parseStunMessage(bytes);
    expect(message.attributes.map((a) => a.type)).toEqual([
      StunAttributeType.Software,
      StunAttributeType.MessageIntegrity,
      StunAttributeType.MessageIntegritySha256,
      StunAttributeType.Fingerprint,
    ]);
    expect(message.fingerprint).toBe('valid');
    expect(unknownComprehensionRequired(message)).toEqual([]);
  });

  it('keeps the padding out of attribute values and accepts any padding bytes', () => {
    const bytes = buildBindingRequest(tid, { software: 'abcde', fingerprint: false });
    bytes[bytes.length - 1] = 0x20;
    const value = getStunAttribute(parseStunMessage(bytes), StunAttributeType.Software)!;
    expect(decodeSoftware(value)).toBe('abcde');
  });
});
