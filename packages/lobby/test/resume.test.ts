import { LOBBY_PROTOCOL_VERSION, LobbyErrorCode } from '@handoff/protocol/lobby';
import { afterEach, describe, expect, it } from 'vitest';
import type { LobbyServer, LobbyServerOptions } from '../src/index.js';
import { startLobby } from './support/lobby-fixture.js';
import { RawClient } from './support/raw-client.js';

describe('resume after a dropped connection', () => {
  let lobby: LobbyServer;
  let url: string;
  const clients: RawClient[] = [];

  async function roomOfTwo(options: LobbyServerOptions = {}) {
    ({ lobby, url } = await startLobby(options));
    const alice = await RawClient.welcomed(url, 'alice');
    const bob = await RawClient.welcomed(url, 'bob');
    clients.push(alice, bob);
    const created = await alice.createRoom({ name: 'R', capacity: 4, visibility: 'public' });
    await bob.request({ type: 'room:join', roomId: created.room.id });
    await alice.nextOfType('presence:join');
    return { alice, bob };
  }

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await lobby.stop(500);
  });

  it('resumes the same player in the same room within the grace period; others see reconnecting then back', async () => {
    const { alice, bob } = await roomOfTwo();
    const bobId = bob.welcome!.playerId;
    const token = bob.welcome!.sessionToken;
    bob.ws.terminate(); // the network drops: no close handshake
    expect(await alice.nextOfType('presence:reconnecting')).toEqual({
      type: 'presence:reconnecting',
      playerId: bobId,
    });

    const again = await RawClient.open(url);
    clients.push(again);
    const welcome = await again.hello('bob', { resumeToken: token });
    expect(welcome.playerId).toBe(bobId);
    expect(welcome.resumed).toBe(true);
    expect(welcome.sessionToken).not.toBe(token);
    const state = await again.nextOfType('room:joined');
    expect(state.requestId).toBeUndefined();
    expect(state.you.peerIndex).toBe(1);
    expect(state.members.map((m) => m.id)).toEqual([alice.welcome!.playerId]);
    expect(await alice.nextOfType('presence:back')).toEqual({ type: 'presence:back', playerId: bobId });

    alice.relayTo(1, Uint8Array.of(42)); // the relay reaches the resumed socket
    expect((await again.relaysReceived(1))[0]).toEqual({ from: 0, payload: Uint8Array.of(42) });

    // Tokens are single use.
    const replay = await RawClient.open(url);
    clients.push(replay);
    const refused = await replay.request({
      type: 'hello',
      protocolVersion: LOBBY_PROTOCOL_VERSION,
      resumeToken: token,
    });
    expect(refused).toMatchObject({ type: 'error', code: LobbyErrorCode.AuthFailed });
    expect(await replay.closed).toBe(4010);
  });

  it('closes the old socket with 4009 when the session resumes while it is still open', async () => {
    const { bob } = await roomOfTwo();
    const again = await RawClient.open(url);
    clients.push(again);
    await again.hello('bob', { resumeToken: bob.welcome!.sessionToken });
    expect(await bob.closed).toBe(4009);
  });

  it('after the grace period the member is gone and the token is refused', async () => {
    const { alice, bob } = await roomOfTwo({ limits: { resumeGraceMs: 200 } });
    const bobId = bob.welcome!.playerId;
    bob.ws.terminate();
    await alice.nextOfType('presence:reconnecting');
    expect(await alice.nextOfType('presence:leave', 2000)).toEqual({
      type: 'presence:leave',
      playerId: bobId,
      reason: 'disconnected',
      ticket: expect.any(String), // a fresh ticket: the membership changed
    });
    const late = await RawClient.open(url);
    clients.push(late);
    const refused = await late.request({
      type: 'hello',
      protocolVersion: LOBBY_PROTOCOL_VERSION,
      resumeToken: bob.welcome!.sessionToken,
    });
    expect(refused).toMatchObject({ type: 'error', code: LobbyErrorCode.AuthFailed });
    expect(await late.closed).toBe(4010);
    expect(lobby.state.players.has(bobId)).toBe(false);
  });

  it('never logs session tokens', async () => {
    const lines: string[] = [];
    const pino = (await import('pino')).default;
    const logger = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    const { bob } = await roomOfTwo({ logger });
    bob.ws.terminate();
    const again = await RawClient.open(url);
    clients.push(again);
    const welcome = await again.hello('bob', { resumeToken: bob.welcome!.sessionToken });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(lines.length).toBeGreaterThan(3);
    const all = lines.join('\n');
    expect(all).not.toContain(bob.welcome!.sessionToken);
    expect(all).not.toContain(welcome.sessionToken);
  });
});
