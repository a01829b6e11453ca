/**
 * Fills rooms with load clients, each server its own way: on the Handoff
 * lobby every client is welcomed and the room is created by its first
 * member and joined by the others; on the raw relay a room is just a shared
 * URL path; on Colyseus the first member creates a `relay` room through the
 * matchmaker and the others join it by id.
 */
import type { BenchClient } from './bench-client.js';
import type { ChildServer } from './child-server.js';
import { ColyseusLoadClient } from './colyseus-client.js';
import { LoadClient } from './load-client.js';

/** How many connections are opened at once while filling rooms or connecting idle clients. */
export const CONNECT_CONCURRENCY = 64;

/** Opens one lobby or raw-relay connection; on the Handoff lobby also completes `hello`. */
export async function connectClient(server: ChildServer, path: string, name: string): Promise<LoadClient> {
  const client = await LoadClient.connect(`ws://127.0.0.1:${server.port}${path}`);
  if (server.kind === 'handoff') await client.hello(name);
  return client;
}

/** Runs `task(0..count-1)` with at most `concurrency` in flight; results in index order. */
export async function inBatches<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** Opens the first member of a room; returns it and how the others join. */
async function openCreator(
  server: ChildServer,
  size: number,
  roomIndex: number,
): Promise<{ creator: BenchClient; joinOne: (member: number) => Promise<BenchClient> }> {
  const name = (member: number): string => `bench-${roomIndex}-${member}`;
  if (server.kind === 'colyseus') {
    const creator = await ColyseusLoadClient.create(server.port);
    return { creator, joinOne: () => ColyseusLoadClient.join(server.port, creator.roomId) };
  }
  if (server.kind === 'raw') {
    const path = `/room-${roomIndex}`;
    return {
      creator: await connectClient(server, path, name(0)),
      joinOne: (member) => connectClient(server, path, name(member)),
    };
  }
  const creator = await connectClient(server, '/', name(0));
  const created = await creator.request({
    type: 'room:create',
    name: `bench room ${roomIndex}`,
    capacity: size,
    visibility: 'private',
  });
  if (created.type !== 'room:joined') throw new Error(`room:create answered ${created.type}`);
  const roomId = created.room.id;
  return {
    creator,
    joinOne: async (member) => {
      const client = await connectClient(server, '/', name(member));
      const joined = await client.request({ type: 'room:join', roomId });
      if (joined.type !== 'room:joined') throw new Error(`room:join answered ${joined.type}`);
      return client;
    },
  };
}

/** Opens one room of `size` members; returns its clients (first = creator). */
export async function openRoom(server: ChildServer, size: number, roomIndex: number): Promise<BenchClient[]> {
  const { creator, joinOne } = await openCreator(server, size, roomIndex);
  const clients = [creator];
  try {
    const others = await inBatches(size - 1, CONNECT_CONCURRENCY, async (index) => {
      const client = await joinOne(index + 1);
      clients.push(client);
      return client;
    });
    return [creator, ...others];
  } catch (error) {
    for (const client of clients) client.terminate();
    throw error;
  }
}

/** Opens `rooms` rooms of `size` members each; returns them room by room. */
export async function openRooms(server: ChildServer, rooms: number, size: number): Promise<BenchClient[][]> {
  const opened: BenchClient[][] = [];
  try {
    for (let room = 0; room < rooms; room++) opened.push(await openRoom(server, size, room));
    return opened;
  } catch (error) {
    for (const clients of opened) for (const client of clients) client.terminate();
    throw error;
  }
}
