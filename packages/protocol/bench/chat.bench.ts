/**
 * Chat message: encoded size and encode+decode rate of the handoff chat
 * codec against JSON (baseline), plain msgpackr and @msgpack/msgpack.
 */

import { decode as msgpackDecode, encode as msgpackEncode } from '@msgpack/msgpack';
import { pack, unpack } from 'msgpackr';
import { type BenchRow, type BenchSuite, opsPerSecond } from '../../../bench/harness.js';
import { type ChatMessage, chatCodec } from '../src/codecs/chat-codec.js';

const message: ChatMessage = { text: 'gg, nice shot! rematch on the next map?', sentAt: 1_750_000_000_123 };
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

interface Contender {
  name: string;
  encode: (value: ChatMessage) => Uint8Array;
  decode: (bytes: Uint8Array) => unknown;
}

const contenders: Contender[] = [
  {
    name: 'JSON',
    encode: (value) => textEncoder.encode(JSON.stringify(value)),
    decode: (bytes) => JSON.parse(textDecoder.decode(bytes)),
  },
  { name: 'msgpackr (plain)', encode: (value) => pack(value), decode: (bytes) => unpack(bytes) },
  {
    name: '@msgpack/msgpack',
    encode: (value) => msgpackEncode(value),
    decode: (bytes) => msgpackDecode(bytes),
  },
  {
    name: 'handoff chatCodec',
    encode: (value) => chatCodec.encode(value),
    decode: (bytes) => chatCodec.decode(bytes),
  },
];

/** The chat benchmark suite. */
const suite: BenchSuite = ({ quick }) => {
  const sizeRows: BenchRow[] = [];
  const speedRows: BenchRow[] = [];
  for (const contender of contenders) {
    const bytes = contender.encode(message);
    sizeRows.push({ name: contender.name, values: { bytes: bytes.length } });
    let sink = 0;
    const encodeDecode = opsPerSecond(
      () => {
        const decoded = contender.decode(contender.encode(message)) as ChatMessage;
        sink += decoded.text.length;
      },
      { quick },
    );
    const decodeOnly = opsPerSecond(
      () => {
        sink += (contender.decode(bytes) as ChatMessage).text.length;
      },
      { quick },
    );
    if (sink < 0) throw new Error('unreachable');
    speedRows.push({
      name: contender.name,
      values: { 'encode+decode ops/s': encodeDecode, 'decode ops/s': decodeOnly },
    });
  }
  return [
    {
      title: `chat message, encoded size (${message.text.length}-char text + timestamp)`,
      baseline: 'JSON',
      ratioOf: 'bytes',
      higherIsBetter: false,
      rows: sizeRows,
    },
    {
      title: 'chat message, encode + decode',
      baseline: 'JSON',
      ratioOf: 'encode+decode ops/s',
      higherIsBetter: true,
      rows: speedRows,
      notes: [
        'handoff chatCodec validates on both encode and decode (length cap, control characters, types).',
      ],
    },
  ];
};

export default suite;
