import { type Codec, MalformedInputError } from '@handoff/protocol';

/** Polls `condition` every 5 ms until it holds; rejects after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A 4-byte big-endian counter, so tests can check order and identity of messages. */
export const counterCodec: Codec<number> = {
  encode: (value) => {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, value);
    return bytes;
  },
  decode: (bytes) => {
    if (bytes.length !== 4) throw new MalformedInputError('counter: 4 bytes expected');
    return new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
  },
};
