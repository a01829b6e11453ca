/**
 * Handoff under test: an in-process lobby, pairs of clients in a fresh room,
 * and a room channel to one peer wrapped as a {@link Duplex}.
 */
import { type ChatMessage, type Codec, chatCodec } from '@handoff/protocol';
import { createLobbyServer } from '../../lobby/src/index.js';
import { type ChannelSpecs, connect, defineChannels, type Room, type RoomBehaviour } from '../src/index.js';
import type { Cleanup } from './cleanup.js';
import type { Duplex } from './duplex.js';

/** The bench game's channels. */
export interface BenchChannels {
  /** Chat (reliable-ordered, msgpackr): the first message of a new pair. */
  chat: ChatMessage;
  /** Pings, unreliable (the direct path's own guarantees). */
  ping: Uint8Array;
  /** Pings, reliable-ordered (acknowledged, retransmitted, in order). */
  pingReliable: Uint8Array;
  /** Throughput payloads, unreliable. */
  blob: Uint8Array;
}

/** Channels that carry raw bytes. */
export type ByteChannel = 'ping' | 'pingReliable' | 'blob';

/** Bytes in, the same bytes out: the cheapest codec, so the bench measures the transport. */
const bytesCodec: Codec<Uint8Array> = { encode: (bytes) => bytes, decode: (bytes) => bytes };

/** The channel declaration every bench client uses. */
export const BENCH_CHANNELS: ChannelSpecs<BenchChannels> = defineChannels<BenchChannels>({
  chat: { kind: 'reliable-ordered', codec: chatCodec },
  ping: { kind: 'unreliable', codec: bytesCodec },
  pingReliable: { kind: 'reliable-ordered', codec: bytesCodec },
  blob: { kind: 'unreliable', codec: bytesCodec },
});

/** Starts a lobby on 127.0.0.1 with limits out of the way (stopped by `cleanup`); returns its URL. */
export async function startBenchLobby(cleanup: Cleanup): Promise<string> {
  const lobby = createLobbyServer({
    port: 0,
    host: '127.0.0.1',
    stunPort: false,
    logLevel: 'silent',
    limits: {
      maxMessagesPerSecond: 1e6,
      maxBytesPerSecond: 1e9,
      maxConnectionsPerIp: 10_000,
      // Every bench room comes from 127.0.0.1: the per-address room limits would cap the suite.
      maxRoomsCreatedPerMinutePerIp: 1e6,
      maxLiveRoomsPerIp: 1e6,
      maxRoomsCreatedPerMinute: 1e6,
    },
  });
  const { port } = await lobby.start();
  cleanup.add(lobby, (server) => server.stop(200));
  return `ws://127.0.0.1:${port}/`;
}

/** Two players in a fresh room: `alice` created it, `bob` joined. */
export interface RoomPair {
  alice: Room<BenchChannels>;
  bob: Room<BenchChannels>;
  /** `performance.now()` when bob's `joinRoom` resolved (alice is in `bob.peers` from then on). */
  joinedAt: number;
}

/** Options of {@link openRoomPair}. */
export interface RoomPairOptions {
  /** Room behaviour of both clients. */
  behaviour?: RoomBehaviour;
  /** Called with alice's room before bob joins (to listen for bob's first message). */
  beforeJoin?: (alice: Room<BenchChannels>) => void;
}

/** Connects two fresh clients and puts them in one new room; both clients are closed by `cleanup`. */
export async function openRoomPair(
  cleanup: Cleanup,
  url: string,
  options: RoomPairOptions = {},
): Promise<RoomPair> {
  const clientOptions = {
    channels: BENCH_CHANNELS,
    room: options.behaviour ?? {},
    reconnect: false,
  } as const;
  const aliceClient = cleanup.add(await connect(url, { ...clientOptions, name: 'alice' }), (c) => c.close());
  const bobClient = cleanup.add(await connect(url, { ...clientOptions, name: 'bob' }), (c) => c.close());
  const alice = await aliceClient.createRoom({ name: 'bench', capacity: 2, visibility: 'private' });
  options.beforeJoin?.(alice);
  const bob = await bobClient.joinRoom({ roomId: alice.id });
  return { alice, bob, joinedAt: performance.now() };
}

/** `room`'s channel `channel` to `peerId`, as a {@link Duplex}. */
export function roomDuplex(room: Room<BenchChannels>, peerId: string, channel: ByteChannel): Duplex {
  return {
    send: (bytes) => room.send(peerId, channel, bytes),
    listen: (handler) => {
      const onMessage = (event: { from: { id: string }; channel: string; message: unknown }): void => {
        if (event.channel === channel && event.from.id === peerId) handler(event.message as Uint8Array);
      };
      room.on('message', onMessage);
      return () => room.off('message', onMessage);
    },
  };
}
