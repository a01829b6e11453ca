import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startCliLobby } from '../../../test/support/cli-lobby.js';
import { connect, type DefaultChannels, type LobbyClient, type Room } from '../src/index.js';
import { waitFor } from './support/helpers.js';

const SECRET = 'restart-test-secret-0123456789';

/** A free TCP port on loopback (the restarted lobby must come back on the same one). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs the real `handoff-lobby` CLI with the shared resume secret; resolves once it listens. */
function startCli(port: number): Promise<ChildProcess> {
  return startCliLobby(port, [], { HANDOFF_RESUME_SECRET: SECRET }, 10_000);
}

describe('lobby restart mid-game (the real CLI, killed with SIGKILL)', () => {
  const clients: LobbyClient[] = [];
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  it('direct links keep delivering; clients come back into the same room; no chat lost or duplicated', async () => {
    const port = await freePort();
    children.push(await startCli(port));
    const url = `ws://127.0.0.1:${port}/`;
    // alice and bob go direct; carol is in privacy mode, so her pairs live on the relay.
    const names = ['alice', 'bob', 'carol'] as const;
    const lobbies: LobbyClient[] = [];
    const rooms: Room<DefaultChannels>[] = [];
    for (const name of names) {
      const client = await connect(url, {
        name,
        room: name === 'carol' ? { direct: 'never' } : {},
        reconnect: { initialDelayMs: 100, maxDelayMs: 400 },
      });
      clients.push(client);
      lobbies.push(client);
      rooms.push(
        rooms.length === 0
          ? await client.createRoom({ name: 'Arena', capacity: 4, visibility: 'public' })
          : await client.joinRoom({ roomId: rooms[0]!.id }),
      );
    }
    const [alice, bob, carol] = rooms as [
      Room<DefaultChannels>,
      Room<DefaultChannels>,
      Room<DefaultChannels>,
    ];
    const ids = rooms.map((room) => room.me.id);
    await waitFor(
      () => alice.peers.get(ids[1]!)?.path === 'direct' && bob.peers.get(ids[0]!)?.path === 'direct',
      5000,
    );

    // Every player streams numbered chat lines to every other; receivers log them per sender.
    const received = rooms.map(() => new Map<string, number[]>());
    const left: string[] = [];
    const restored: boolean[] = [];
    rooms.forEach((room, i) => {
      room.on('message', ({ from, message }) => {
        const log = received[i]!.get(from.id) ?? [];
        log.push(Number(message.text));
        received[i]!.set(from.id, log);
      });
      room.on('room:left', (reason) => left.push(`${names[i]}: ${reason}`));
      lobbies[i]!.on('connection:restored', (event) => restored.push(event.restored && event.inRoom));
    });
    let sent = 0;
    const tick = setInterval(() => {
      sent++;
      for (const room of rooms) room.broadcast('chat', { text: String(sent) });
    }, 10);
    const count = (to: number, from: number) => received[to]!.get(ids[from]!)?.length ?? 0;
    try {
      await waitFor(() => count(1, 0) >= 20 && count(2, 0) >= 20, 3000);

      children[0]!.kill('SIGKILL'); // a crash: no close frames, state gone
      await waitFor(() => lobbies.every((lobby) => lobby.state === 'reconnecting'), 3000);
      const bobHeardAlice = count(1, 0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Lobby down: the direct pair still plays.
      expect(count(1, 0)).toBeGreaterThan(bobHeardAlice + 20);

      children.push(await startCli(port));
      await waitFor(() => restored.length === 3, 10_000);
      expect(restored).toEqual([true, true, true]);
      await waitFor(
        () => rooms.every((room) => [...room.peers.values()].every((p) => !p.reconnecting)),
        5000,
      );
      // The same room, the same players, and carol's relay pairs work again.
      for (const [i, room] of rooms.entries()) {
        expect(room.id).toBe(alice.id);
        expect([...room.peers.keys()].sort()).toEqual(ids.filter((_, j) => j !== i).sort());
      }
      const carolHeard = count(2, 0);
      await waitFor(() => count(2, 0) > carolHeard + 20 && count(0, 2) > 0, 5000);
      expect(carol.peers.get(ids[0]!)?.path).toBe('relay');
    } finally {
      clearInterval(tick);
    }
    // Everything sent arrives exactly once, in order, on every pair.
    await waitFor(
      () => rooms.every((_, to) => rooms.every((__, from) => to === from || count(to, from) === sent)),
      10_000,
    );
    for (const [to] of rooms.entries()) {
      for (const [from] of rooms.entries()) {
        if (to === from) continue;
        expect(received[to]!.get(ids[from]!)).toEqual(Array.from({ length: sent }, (_, k) => k + 1));
      }
    }
    expect(left).toEqual([]);
  }, 40_000);
});
