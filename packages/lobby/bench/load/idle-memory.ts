/**
 * Idle memory per connection: the server's RSS before and after `clients`
 * connections are opened (and welcomed, on the Handoff lobby; seated in
 * rooms of 64, on Colyseus, which admits a socket only with a seat), each
 * sample taken after a full GC and a settle pause.
 */

import type { BenchClient } from './bench-client.js';
import type { ChildServer } from './child-server.js';
import { sleep } from './measure-window.js';
import { CONNECT_CONCURRENCY, connectClient, inBatches, openRoom } from './rooms.js';

const COLYSEUS_IDLE_ROOM = 64;

/** RSS growth for idle connections. */
export interface IdleMemoryResult {
  clients: number;
  rssBeforeKiB: number;
  rssAfterKiB: number;
  /** (after − before) / clients, KiB. */
  kibPerClient: number;
}

async function settledRss(server: ChildServer, settleMs: number): Promise<number> {
  await server.gc();
  await sleep(settleMs);
  await server.gc();
  return server.rssKiB();
}

/** Connects `clients` idle clients to `server`, measures, and drops them. */
export async function measureIdleMemory(
  server: ChildServer,
  clients: number,
  settleMs: number,
): Promise<IdleMemoryResult> {
  const rssBeforeKiB = await settledRss(server, settleMs);
  const opened: BenchClient[] = [];
  try {
    if (server.kind === 'colyseus') {
      for (let room = 0; opened.length < clients; room++) {
        opened.push(...(await openRoom(server, Math.min(COLYSEUS_IDLE_ROOM, clients - opened.length), room)));
      }
    } else {
      await inBatches(clients, CONNECT_CONCURRENCY, async (index) => {
        const client = await connectClient(server, '/', `idle-${index}`);
        opened.push(client);
        return client;
      });
    }
    const rssAfterKiB = await settledRss(server, settleMs);
    return { clients, rssBeforeKiB, rssAfterKiB, kibPerClient: (rssAfterKiB - rssBeforeKiB) / clients };
  } finally {
    for (const client of opened) client.terminate();
  }
}
