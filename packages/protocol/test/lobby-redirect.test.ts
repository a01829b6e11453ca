import { encode as referenceEncode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { InvalidControlMessageError } from '../src/errors.js';
import {
  decodeServerMessage,
  encodeServerMessage,
  FrameKind,
  LobbyErrorCode,
  lobbyErrorCodeName,
} from '../src/lobby/index.js';

/** A server control frame from any body, bypassing the encoder's validation. */
function rawServerFrame(body: unknown): Uint8Array {
  const encoded = referenceEncode(body);
  const frame = new Uint8Array(encoded.length + 1);
  frame[0] = FrameKind.Control;
  frame.set(encoded, 1);
  return frame;
}

describe('error Redirect (a lobby cluster)', () => {
  it('is code 20, after Refused and Banned', () => {
    expect(LobbyErrorCode.Redirect).toBe(20);
    expect(lobbyErrorCodeName(20)).toBe('Redirect');
  });

  it('round-trips with a url and a room id, and with a url alone', () => {
    for (const redirect of [
      { url: 'wss://lobby-2.example.com/n2/', roomId: 'r_abc-1' },
      { url: 'ws://10.0.0.2:8080' },
    ]) {
      const message = {
        type: 'error' as const,
        requestId: 7,
        code: LobbyErrorCode.Redirect,
        message: 'the room is on another node',
        redirect,
      };
      expect(decodeServerMessage(encodeServerMessage(message))).toEqual(message);
    }
  });

  it('an error without redirect decodes without the field', () => {
    const decoded = decodeServerMessage(
      encodeServerMessage({ type: 'error', code: LobbyErrorCode.RoomFull, message: 'full' }),
    );
    expect(decoded).not.toHaveProperty('redirect');
  });

  it.each([
    ['an http URL', { url: 'http://evil.example.com/' }],
    ['a javascript: URL', { url: 'javascript:alert(1)' }],
    ['an empty URL', { url: '' }],
    ['a URL of 2049 characters', { url: `ws://${'a'.repeat(2044)}` }],
    ['a bad room id', { url: 'ws://a', roomId: 'bad id!' }],
    ['no url', { roomId: 'abc' }],
    ['a string', 'ws://a'],
  ])('refuses %s', (_, redirect) => {
    const frame = rawServerFrame({ type: 'error', requestId: 1, code: 20, message: 'x', redirect });
    expect(() => decodeServerMessage(frame)).toThrow(InvalidControlMessageError);
  });
});
