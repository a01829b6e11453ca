/** The browser side of the time-to-direct bench: players by number on `window.ttd`. */
import { TtdPlayer } from './client.js';

const players = new Map<number, TtdPlayer>();
let next = 0;

const api = {
  async open(url: string, name: string): Promise<number> {
    const id = next++;
    players.set(id, await TtdPlayer.open(url, name));
    return id;
  },
  create: (id: number) => players.get(id)!.create(),
  join: (id: number, roomId: string) => players.get(id)!.join(roomId),
  direct: (id: number, timeoutMs: number) => players.get(id)!.direct(timeoutMs),
  async close(id: number): Promise<void> {
    await players.get(id)?.close();
    players.delete(id);
  },
};
(globalThis as unknown as { ttd: typeof api }).ttd = api;
export type TtdPageApi = typeof api;
