/**
 * Everything Handoff puts on the wire, with no I/O: the session engine that
 * carries a game's channels reliably (or not) over any datagram path, the
 * compact position and chat codecs, and the errors they raise. The lobby
 * wire schema lives at `@handoff/protocol/lobby`; a deterministic network
 * simulator for tests at `@handoff/protocol/testing`.
 *
 * Pure by design: no sockets, no timers, no `Date.now()`. Time is passed
 * in as `now` (milliseconds), so a session runs as well in a unit test at
 * 100,000 simulated packets a second as in a game loop.
 *
 * @example Two sessions exchanging chat and positions in memory:
 * ```ts
 * import { Session, chatCodec, createPositionCodec } from '@handoff/protocol';
 *
 * const channels = [
 *   { name: 'chat', kind: 'reliable-ordered' },
 *   { name: 'pos', kind: 'unreliable-sequenced' },
 * ] as const;
 * const positions = createPositionCodec({ yaw: true });
 * const encoder = positions.createEncoder();
 * const decoder = positions.createDecoder();
 *
 * const alice = new Session({ channels: [...channels] }, { message: () => {} });
 * const bob = new Session({ channels: [...channels] }, {
 *   message(channel, payload) {
 *     if (channel === 0) console.log('chat:', chatCodec.decode(payload).text);
 *     else console.log('positions:', decoder.decode(payload).entities);
 *   },
 * });
 *
 * alice.send('chat', chatCodec.encode({ text: 'gl hf' }));
 * alice.send('pos', encoder.encode([{ id: 1, x: 10.5, y: 0, z: -3.25, yaw: 1.57 }]).bytes);
 * const now = 0;
 * for (const datagram of alice.poll(now)) bob.receive(datagram, now);
 * // positions: [ { id: 1, x: 10.5, y: 0, z: -3.25, yaw: 1.5707963... } ]
 * // chat: gl hf
 * ```
 *
 * @packageDocumentation
 */

export type { Codec } from './codec.js';
export {
  CHAT_STRUCTURES,
  type ChatCodecOptions,
  type ChatMessage,
  chatCodec,
  createChatCodec,
  DEFAULT_CHAT_MAX_LENGTH,
} from './codecs/chat-codec.js';
export {
  checkMsgpackStructure,
  createMessageCodec,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_ENTRIES,
  DEFAULT_MAX_MESSAGE_BYTES,
  MAX_DEPTH_LIMIT,
  MAX_SHARED_STRUCTURES,
  type MessageCodecOptions,
  type MsgpackStructureLimits,
} from './codecs/msgpack-codec.js';
export * from './codecs/position/index.js';
export {
  ErrorCode,
  type ErrorCodeValue,
  HandoffError,
  InvalidControlMessageError,
  InvalidMessageError,
  InvalidOptionError,
  MalformedInputError,
  MessageTooLargeError,
  MissingBaselineError,
  ReceiveWindowExceededError,
  SendQueueFullError,
  UnknownChannelError,
  UnsupportedVersionError,
} from './errors.js';
export * from './session/index.js';
