import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createLobbyServer, type LobbyServer } from '../../lobby/src/index.js';
import {
  connect,
  type LobbyClient,
  type LobbyClientEvents,
  LobbyConnectionError,
  LobbyRequestError,
  OperationAbortedError,
  RequestTimeoutError,
} from '../src/index.js';

const quiet = pino({ level: 'silent' });

/** Resolves with the arguments of the next `event` of a client. */
function next<E extends keyof LobbyClientEvents>(
  client: LobbyClient,
  event: E,
): Promise<Parameters<LobbyClientEvents[E]>> {
  return new Promise((resolve) => {
    client.once(event, ((...args: Parameters<LobbyClientEvents[E]>) => resolve(args)) as never);
  });
}

async function startLobby(port = 0): Promise<{ lobby: LobbyServer; url: string; port: number }> {
  const lobby = createLobbyServer({ port, host: '127.0.0.1', stunPort: false, logger: quiet });
  const address = await lobby.start();
  return { lobby, url: `ws://127.0.0.1:${address.port}/`, port: address.port };
}

describe('lobby client against a real lobby', () => {
  const clients: LobbyClient[] = [];
  const lobbies: LobbyServer[] = [];
  const track = <T extends LobbyClient>(client: T): T => {
    clients.push(client);
    return client;
  };
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const lobby of lobbies.splice(0)) await lobby.stop(200);
  });

  it('connects, creates, lists, joins and leaves rooms; refusals are typed errors with the lobby code', async () => {
    const { lobby, url } = await startLobby();
    lobbies.push(lobby);
    const alice = track(await connect(url, { name: 'alice' }));
    const bob = track(await connect(url, { name: 'bob' }));
    expect(alice.playerId).not.toBe(bob.playerId);
    const created = await alice.createRoom({ name: 'Arena', capacity: 4, visibility: 'public' });
    expect((await bob.listRooms()).map((room) => room.id)).toEqual([created.id]);
    const joined = await bob.joinRoom({ code: created.code });
    expect([...joined.peers.keys()]).toEqual([alice.playerId]);
    const error = await bob.joinRoom({ roomId: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LobbyRequestError);
    expect((error as LobbyRequestError).lobbyCodeName).toBe('AlreadyInRoom');
    await bob.leaveRoom();
    const missing = await bob.joinRoom({ roomId: 'nope' }).catch((e: unknown) => e);
    expect((missing as LobbyRequestError).lobbyCodeName).toBe('RoomNotFound');
    expect(await alice.ping()).toBeLessThan(1000);
  });

  it('a request with invalid options rejects alone and leaves nothing pending (close rejects nothing later)', async () => {
    const { lobby, url } = await startLobby();
    lobbies.push(lobby);
    const alice = track(await connect(url, { name: 'alice' }));
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const error = await alice
        .createRoom({ name: 'x'.repeat(10_000), capacity: 4, visibility: 'public' })
        .catch((e: unknown) => e);
      expect((error as Error).name).toMatch(/Error$/);
      expect(error).not.toBeInstanceOf(LobbyConnectionError);
      // The client still works, and closing it rejects no forgotten request.
      expect((await alice.createRoom({ name: 'ok', capacity: 4, visibility: 'public' })).name).toBe('ok');
      alice.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('carries relay frames between members, stamped with the sender index', async () => {
    const { lobby, url } = await startLobby();
    lobbies.push(lobby);
    const alice = track(await connect(url));
    const bob = track(await connect(url));
    const room = await alice.createRoom({ name: 'R', capacity: 2, visibility: 'public' });
    const joined = await bob.joinRoom({ roomId: room.id });
    const received = next(alice, 'relay');
    expect(bob.sendRelay(0, Uint8Array.of(5, 6))).toBe(true);
    const [from, payload] = await received;
    expect(from).toBe(joined.me.peerIndex);
    expect(payload).toEqual(Uint8Array.of(5, 6));
  });

  it('times out requests and honours AbortSignal', async () => {
    const silent = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(silent, 'listening');
    const url = `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    await expect(connect(url, { requestTimeoutMs: 150 })).rejects.toBeInstanceOf(RequestTimeoutError);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(connect(url, { signal: controller.signal })).rejects.toBeInstanceOf(OperationAbortedError);
    await expect(connect('ws://127.0.0.1:1/')).rejects.toBeInstanceOf(LobbyConnectionError);
    for (const socket of silent.clients) socket.terminate();
    silent.close();
  });

  it('reconnects after a drop and resumes the same player in the same room', async () => {
    const { lobby, url } = await startLobby();
    lobbies.push(lobby);
    const alice = track(await connect(url, { reconnect: { initialDelayMs: 20 } }));
    const bob = track(await connect(url));
    const room = await alice.createRoom({ name: 'R', capacity: 2, visibility: 'public' });
    await bob.joinRoom({ roomId: room.id });
    const lost = next(alice, 'connection:lost');
    const restored = next(alice, 'connection:restored');
    const state = next(alice, 'room:joined');
    const back = next(bob, 'presence:back');
    lobby.state.players.get(alice.playerId)?.connection?.ws.terminate(); // the network drops
    await lost;
    expect(alice.state).toBe('reconnecting');
    expect((await restored)[0]).toEqual({ resumed: true, restored: false, inRoom: true });
    expect((await state)[0].room.id).toBe(room.id);
    expect((await back)[0].playerId).toBe(alice.playerId);
    const relayed = next(bob, 'relay');
    alice.sendRelay(1, Uint8Array.of(1));
    expect((await relayed)[0]).toBe(0);
  });

  it('survives a lobby restart outside any room: reconnects as a new player when the old session is gone', async () => {
    const first = await startLobby();
    const alice = track(await connect(first.url, { reconnect: { initialDelayMs: 20, maxDelayMs: 100 } }));
    const oldId = alice.playerId;
    const lost = next(alice, 'connection:lost');
    await first.lobby.stop(200); // close 4008: reconnect later
    expect((await lost)[0].code).toBe(4008);
    const second = await startLobby(first.port);
    lobbies.push(second.lobby);
    const [restored] = await next(alice, 'connection:restored');
    expect(restored).toEqual({ resumed: false, restored: false, inRoom: false });
    expect(alice.playerId).not.toBe(oldId);
    expect(alice.state).toBe('connected');
  });

  it('closes for good when told to, or when the lobby refuses to take it back', async () => {
    const { lobby, url } = await startLobby();
    lobbies.push(lobby);
    const alice = track(await connect(url));
    const closed = next(alice, 'connection:closed');
    alice.close();
    expect((await closed)[0].code).toBe(1000);
    expect(alice.state).toBe('closed');
    expect(alice.sendRelay(0, Uint8Array.of(1))).toBe(false);
  });
});
