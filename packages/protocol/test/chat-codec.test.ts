import { encode as referenceEncode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ChatMessage, chatCodec, createChatCodec } from '../src/codecs/chat-codec.js';
import {
  HandoffError,
  InvalidMessageError,
  InvalidOptionError,
  MalformedInputError,
  MessageTooLargeError,
} from '../src/errors.js';

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

describe('chat codec', () => {
  it('round-trips, compactly', () => {
    const messages: ChatMessage[] = [
      { text: '' },
      { text: 'gg' },
      { text: 'multi\nline\ttext, ünïcödé 🎮' },
      { text: 'hi', sentAt: 1_750_000_000_123 },
      { text: 'x'.repeat(500), sentAt: 0.5 },
    ];
    for (const m of messages) expect(chatCodec.decode(chatCodec.encode(m))).toEqual(m);
    expect(hex(chatCodec.encode({ text: 'gg' }))).toBe('40a26767');
    expect(hex(chatCodec.encode({ text: 'gg', sentAt: 5 }))).toBe('41a2676705');
    // An explicit undefined timestamp is the same as none.
    expect(hex(chatCodec.encode({ text: 'gg', sentAt: undefined }))).toBe('40a26767');
  });

  it('round-trips arbitrary valid messages (property)', () => {
    const text = fc
      .string({ maxLength: 500, unit: 'grapheme' })
      .filter(
        (s) =>
          s.length <= 500 && ![...s].some((c) => (c < ' ' && c !== '\t' && c !== '\n') || c === '\u007f'),
      );
    fc.assert(
      fc.property(
        text,
        fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
        (t, at) => {
          // MessagePack has no negative zero integer: -0 arrives as 0.
          const m: ChatMessage = at === undefined ? { text: t } : { text: t, sentAt: at === 0 ? 0 : at };
          expect(chatCodec.decode(chatCodec.encode(m))).toEqual(m);
        },
      ),
      { numRuns: 500, seed: 1 },
    );
  });

  it('decodes with a fresh decoder, in any order', () => {
    const sender = createChatCodec();
    const frames = Array.from({ length: 10 }, (_, i) => sender.encode({ text: `m${i}`, sentAt: i }));
    for (let i = frames.length - 1; i >= 0; i--) {
      expect(createChatCodec().decode(frames[i]!)).toEqual({ text: `m${i}`, sentAt: i });
    }
    // Plain MessagePack maps from another library are accepted too.
    expect(chatCodec.decode(referenceEncode({ text: 'hey' }))).toEqual({ text: 'hey' });
  });

  it('enforces the length cap and character rules', () => {
    const short = createChatCodec({ maxLength: 10 });
    expect(short.decode(short.encode({ text: '0123456789' })).text).toHaveLength(10);
    expect(() => short.encode({ text: '01234567890' })).toThrow(InvalidMessageError);
    expect(() => short.decode(chatCodec.encode({ text: '01234567890' }))).toThrow(InvalidMessageError);
    expect(() => chatCodec.encode({ text: 'x'.repeat(501) })).toThrow(InvalidMessageError);
    expect(() => chatCodec.encode({ text: 'bell\x07' })).toThrow(InvalidMessageError);
    expect(() => chatCodec.encode({ text: 'esc\x1b[2J' })).toThrow(InvalidMessageError);
    expect(() => createChatCodec({ maxLength: 0 })).toThrow(InvalidOptionError);
    // Oversized bytes are refused before parsing.
    expect(() => short.decode(new Uint8Array(100))).toThrow(MessageTooLargeError);
  });

  it('rejects hostile bytes with typed errors', () => {
    const hostile: [unknown, new (...args: never[]) => HandoffError][] = [
      [{ text: 5 }, InvalidMessageError],
      [{ text: 'a', sentAt: 'now' }, InvalidMessageError],
      [{ text: 'a', sentAt: null }, InvalidMessageError],
      [{ sentAt: 1 }, InvalidMessageError],
      [['a'], InvalidMessageError],
      ['a', InvalidMessageError],
      [{ text: 'a', nested: [[[]]] }, MalformedInputError],
    ];
    for (const [value, type] of hostile) expect(() => chatCodec.decode(referenceEncode(value))).toThrow(type);
    const proto = new TextEncoder().encode('__proto__');
    expect(() => chatCodec.decode(Uint8Array.from([0x81, 0xa9, ...proto, 0x80]))).toThrow(
      MalformedInputError,
    );
    expect(() => chatCodec.decode(Uint8Array.of(0x40))).toThrow(MalformedInputError); // truncated record
    expect(() => chatCodec.decode(Uint8Array.of(0x40, 0xa1, 0x61, 0x00))).toThrow(MalformedInputError); // trailing
    expect(() => chatCodec.decode(Uint8Array.of(0xc4, 0x01, 0x00))).toThrow(MalformedInputError); // binary
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          chatCodec.decode(bytes);
        } catch (error) {
          if (!(error instanceof HandoffError)) throw error;
        }
      }),
      { numRuns: 5000, seed: 3 },
    );
    expect(chatCodec.decode(chatCodec.encode({ text: 'still fine' }))).toEqual({ text: 'still fine' });
  });
});
