import { describe, expect, it } from 'vitest';
import { InvalidOptionError, MalformedInputError, MessageTooLargeError } from '../src/errors.js';
import {
  broadcastToRelay,
  DEFAULT_MAX_RELAY_PAYLOAD_BYTES,
  decodeBroadcast,
  decodeRelay,
  encodeBroadcast,
  encodeClientMessage,
  encodeRelay,
  FrameKind,
  peekFrameKind,
  readRelayPeerIndex,
  writeRelayPeerIndex,
} from '../src/lobby/index.js';

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

describe('relay frames', () => {
  it('match the golden bytes', () => {
    expect(hex(encodeRelay(0x0102, Uint8Array.from([0xaa, 0xbb])))).toBe('010102aabb');
    expect(hex(encodeRelay(0, Uint8Array.from([0x00])))).toBe('01000000');
    expect(hex(encodeRelay(0xffff, Uint8Array.from([0x7f])))).toBe('01ffff7f');
    expect(hex(encodeBroadcast(Uint8Array.from([1, 2, 3])))).toBe('02010203');
    expect(hex(broadcastToRelay(Uint8Array.from([0x02, 9, 8]), 0x0a0b))).toBe('010a0b0908');
  });

  it('decode without copying and peek the kind', () => {
    const frame = encodeRelay(513, Uint8Array.from([5, 6, 7]));
    expect(peekFrameKind(frame)).toBe(FrameKind.Relay);
    expect(peekFrameKind(encodeBroadcast(Uint8Array.of(1)))).toBe(FrameKind.Broadcast);
    expect(peekFrameKind(encodeClientMessage({ type: 'room:leave', requestId: 1 }))).toBe(FrameKind.Control);
    const { peerIndex, payload } = decodeRelay(frame);
    expect(peerIndex).toBe(513);
    expect(Array.from(payload)).toEqual([5, 6, 7]);
    expect(payload.buffer).toBe(frame.buffer);
    expect(readRelayPeerIndex(frame)).toBe(513);
    expect(decodeBroadcast(Uint8Array.from([2, 4])).buffer).toBeDefined();
  });

  it('rewrite the peer index in place (destination → source)', () => {
    const frame = encodeRelay(7, Uint8Array.from([1, 2]));
    writeRelayPeerIndex(frame, 0x1234);
    expect(hex(frame)).toBe('0112340102');
    expect(() => writeRelayPeerIndex(frame, 65536)).toThrow(InvalidOptionError);
    expect(() => writeRelayPeerIndex(Uint8Array.from([2, 1, 1]), 1)).toThrow(MalformedInputError);
  });

  it('reject unknown kinds, short frames and oversized payloads', () => {
    expect(() => peekFrameKind(new Uint8Array(0))).toThrow(MalformedInputError);
    for (const kind of [0x04, 0x10, 0x80, 0xff]) {
      expect(() => peekFrameKind(Uint8Array.of(kind, 0, 0, 0))).toThrow(MalformedInputError);
    }
    for (const short of [[], [1], [1, 0], [1, 0, 1]]) {
      expect(() => decodeRelay(Uint8Array.from(short))).toThrow(MalformedInputError);
      expect(() => readRelayPeerIndex(Uint8Array.from(short))).toThrow(MalformedInputError);
    }
    expect(() => decodeRelay(Uint8Array.from([2, 0, 1, 1]))).toThrow(MalformedInputError);
    expect(() => decodeBroadcast(Uint8Array.from([2]))).toThrow(MalformedInputError);
    expect(() => decodeBroadcast(Uint8Array.from([1, 1]))).toThrow(MalformedInputError);
    expect(() => broadcastToRelay(Uint8Array.from([2]), 1)).toThrow(MalformedInputError);
    const max = new Uint8Array(DEFAULT_MAX_RELAY_PAYLOAD_BYTES);
    expect(decodeRelay(encodeRelay(1, max)).payload.length).toBe(DEFAULT_MAX_RELAY_PAYLOAD_BYTES);
    const over = new Uint8Array(DEFAULT_MAX_RELAY_PAYLOAD_BYTES + 1);
    expect(() => encodeRelay(1, over)).toThrow(MessageTooLargeError);
    expect(() => encodeBroadcast(over)).toThrow(MessageTooLargeError);
    expect(() => decodeRelay(Uint8Array.from([1, 0, 1, ...over]))).toThrow(MessageTooLargeError);
    expect(() => decodeBroadcast(Uint8Array.from([2, ...over]))).toThrow(MessageTooLargeError);
    expect(decodeRelay(Uint8Array.from([1, 0, 1, ...over]), { maxPayloadBytes: 2000 }).payload.length).toBe(
      1201,
    );
    expect(() => encodeRelay(-1, Uint8Array.of(1))).toThrow(InvalidOptionError);
    expect(() => encodeRelay(1, Uint8Array.of(1), { maxPayloadBytes: 0 })).toThrow(InvalidOptionError);
  });
});
