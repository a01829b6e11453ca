/**
 * Fills rooms with load clients, the same way for both servers: on the
 * Handoff lobby every client is welcomed and the room is created by its
 * first member and joined by the others; on the raw relay a room is just a
 * shared URL path.
 */
import type { ChildServer } from './child-server.js';
import { LoadClient } from './load-client.js';

/** How many connections are opened at once while filling rooms or connecting idle clients. */
export const CONNECT_CONCURRENCY = 64;

/** Opens one connection; on the Handoff lobby also completes `hello`. */
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

/** Opens one room of `size` members; returns its clients (first = creator). */
export async function openRoom(server: ChildServer, size: number, roomIndex: number): Promise<LoadClient[]> {
  const path = server.kind === 'raw' ? `/room-${roomIndex}` : '/';
  const name = (member: number): string => `bench-${roomIndex}-${member}`;
  const creator = await connectClient(server, path, name(0));
  const clients = [creator];
  try {
    let roomId: string | undefined;
    if (server.kind === 'handoff') {
      const created = await creator.request({
        type: 'room:create',
        name: `bench room ${roomIndex}`,
        capacity: size,
        visibility: 'private',
      });
      if (created.type !== 'room:joined') throw new Error(`room:create answered ${created.type}`);
      roomId = created.room.id;
    }
    const others = await inBatches(size - 1, CONNECT_CONCURRENCY, async (index) => {
      const client = await connectClient(server, path, name(index + 1));
      clients.push(client);
      if (roomId !== undefined) {
        const joined = await client.request({ type: 'room:join', roomId });
        if (joined.type !== 'room:joined') throw new Error(`room:join answered ${joined.type}`);
      }
      return client;
    });
    return [creator, ...others];
  } catch (error) {
    for (const client of clients) client.terminate();
    throw error;
  }
}

/** Opens `rooms` rooms of `size` members each; returns them room by room. */
export async function openRooms(server: ChildServer, rooms: number, size: number): Promise<LoadClient[][]> {
  const opened: LoadClient[][] = [];
  try {
    for (let room = 0; room < rooms; room++) opened.push(await openRoom(server, size, room));
    return opened;
  } catch (error) {
    for (const clients of opened) for (const client of clients) client.terminate();
    throw error;
  }
}
