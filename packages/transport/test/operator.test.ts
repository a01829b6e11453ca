import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLobbyServer, type LobbyServer } from '../../lobby/src/index.js';
import { connect, type LobbyClient } from '../src/index.js';
import type { LobbySocketConstructor } from '../src/lobby-client/websocket.js';
import { waitFor } from './support/helpers.js';

/** What a game sees of the operator (#15): server messages, kicks, telemetry in /metrics. */
describe('operator features through real clients', () => {
  let lobby: LobbyServer;
  let url: string;
  const clients: LobbyClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await lobby.stop(200);
  });

  async function start(): Promise<void> {
    lobby = createLobbyServer({
      port: 0,
      host: '127.0.0.1',
      stunPort: false,
      logger: pino({ level: 'silent' }),
    });
    const { port } = await lobby.start();
    url = `ws://127.0.0.1:${port}/`;
  }
  async function player(name: string, telemetry = true): Promise<LobbyClient> {
    // The ws implementation on every Node version (Node 22+ would use its global WebSocket): one test pauses its socket.
    const client = await connect(url, {
      name,
      telemetry,
      WebSocket: WebSocket as unknown as LobbySocketConstructor,
    });
    clients.push(client);
    return client;
  }

  it('server messages reach the Room (sendToRoom) and the LobbyClient (sendToPlayer); a kick ends the room for the game', async () => {
    await start();
    const alice = await player('alice');
    const bob = await player('bob');
    const room = await alice.createRoom({ name: 'R', capacity: 4, visibility: 'public' });
    const bobRoom = await bob.joinRoom({ roomId: room.id });
    const roomMessages: unknown[] = [];
    const playerMessages: unknown[] = [];
    bobRoom.on('server:message', (message) => roomMessages.push(message));
    bob.on('server:message', (message) => playerMessages.push(message));
    expect(lobby.sendToRoom(room.id, 'round', { n: 3 })).toBe(2);
    expect(lobby.sendToPlayer(bob.playerId, 'whisper', { text: 'hi' })).toBe(true);
    await waitFor(() => roomMessages.length === 1 && playerMessages.length >= 1);
    expect(roomMessages).toEqual([{ topic: 'round', data: { n: 3 } }]);
    expect(playerMessages).toContainEqual(
      expect.objectContaining({ scope: 'player', topic: 'whisper', data: { text: 'hi' } }),
    );
    const left: string[] = [];
    const leaves: string[] = [];
    bobRoom.on('room:left', (reason) => left.push(reason));
    room.on('peer:leave', (_peer, reason) => leaves.push(reason));
    expect(lobby.kick(bob.playerId, 'be nice')).toBe(true);
    await waitFor(() => left.length === 1 && leaves.length === 1);
    expect(left).toEqual(['kicked']);
    expect(leaves).toEqual(['kicked']);
    await waitFor(() => bob.state === 'closed');
  });

  it('clients report their pairs; /metrics shows the direct ratio, pairs by path, time to direct; telemetry: false sends nothing', async () => {
    await start();
    const a = await player('a');
    const b = await player('b');
    const c = await player('c', false); // reports nothing
    const room = await a.createRoom({ name: 'R', capacity: 4, visibility: 'public' });
    const roomB = await b.joinRoom({ roomId: room.id });
    await c.joinRoom({ roomId: room.id });
    await waitFor(() => [...roomB.peers.values()].every((peer) => peer.path === 'direct'), 10_000);
    await sleep(2500); // reports leave every second from joining
    const metrics = await (await fetch(`${url.replace('ws', 'http')}metrics`)).text();
    // a and b report 3 sides each... a-b (both), a-c, b-c (one side each): 2 + 1 + 1 sides → pairs rounded from sides / 2.
    expect(metrics).toMatch(/^handoff_pairs\{path="direct"\} [1-9]/m);
    expect(metrics).toMatch(/^handoff_direct_ratio (0\.\d+|1)$/m);
    expect(metrics).toMatch(/^handoff_time_to_direct_seconds_count [1-9]/m);
    const pairs = lobby.state.telemetry.pairs(lobby.state.rooms.get(room.id)!);
    expect(pairs).toHaveLength(3);
    const withC = pairs.filter((pair) => pair.players.includes(c.playerId));
    for (const pair of withC) expect(pair.paths.filter((path) => path !== undefined)).toHaveLength(1); // only the other side reported
    // NAT behaviour seen: the direct pair a-b reached ICE on non-relay candidates (loopback: no TURN).
    const ab = pairs.find((pair) => !pair.players.includes(c.playerId))!;
    for (const nat of ab.nat) {
      expect(nat?.ice).toBe('reached');
      expect(['host', 'srflx', 'prflx']).toContain(nat?.local);
      expect(['host', 'srflx', 'prflx']).toContain(nat?.remote);
    }
    expect(metrics).toMatch(
      /^handoff_pair_sides_by_candidates\{local="(host|srflx|prflx)",remote="(host|srflx|prflx)"\} [1-9]/m,
    );
    expect(metrics).toMatch(/^handoff_pair_sides_by_ice\{outcome="reached"\} [1-9]/m);
  });

  it("a peer's first message sent the moment we join is not lost before the game listens", async () => {
    await start();
    const alice = await player('alice');
    const room = await alice.createRoom({ name: 'R', capacity: 8, visibility: 'public' });
    // Alice greets every newcomer the moment she hears of it.
    room.on('peer:join', (peer) => room.send(peer.id, 'chat', { text: `welcome ${peer.name}` }));
    const heard: string[] = [];
    for (let i = 0; i < 5; i++) {
      const bob = await player(`bob${i}`);
      const bobRoom = bob.joinRoom({ roomId: room.id });
      // Bob reads nothing for a moment (a busy client): room:joined and Alice's greeting then arrive in one read.
      const socket = (bob as unknown as { socket: { _socket: { pause(): void; resume(): void } } }).socket
        ._socket;
      socket.pause();
      await sleep(300);
      socket.resume();
      const joined = await bobRoom;
      joined.on('message', (event) => heard.push(event.message.text));
    }
    await waitFor(() => heard.length === 5, 5000);
    expect(heard.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `welcome bob${i}`));
  });
});
