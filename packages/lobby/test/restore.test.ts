import { LobbyErrorCode } from '@handoff/protocol/lobby';
import { afterEach, describe, expect, it } from 'vitest';
import type { LobbyServer, LobbyServerOptions } from '../src/index.js';
import { RoomTicketSealer } from '../src/room-ticket.js';
import { startLobby } from './support/lobby-fixture.js';
import { RawClient } from './support/raw-client.js';

const SECRET = 'a-test-secret-of-32-characters!!';

describe('restoring rooms after a lobby restart (room tickets)', () => {
  const lobbies: LobbyServer[] = [];
  const clients: RawClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const lobby of lobbies.splice(0)) await lobby.stop(200);
  });

  async function lobbyWith(options: LobbyServerOptions): Promise<string> {
    const { lobby, url } = await startLobby(options);
    lobbies.push(lobby);
    return url;
  }

  async function client(url: string, name: string): Promise<RawClient> {
    const raw = await RawClient.welcomed(url, name);
    clients.push(raw);
    return raw;
  }

  /** A room of alice (host) and bob on a first lobby; returns what each client keeps. */
  async function firstRun(password?: string) {
    const url = await lobbyWith({ resumeSecret: SECRET });
    const alice = await client(url, 'alice');
    const bob = await client(url, 'bob');
    const created = await alice.createRoom({
      name: 'Arena',
      capacity: 4,
      visibility: 'private',
      metadata: { map: 'dust' },
      ...(password === undefined ? {} : { password }),
    });
    const joined = await bob.request({
      type: 'room:join',
      roomId: created.room.id,
      ...(password === undefined ? {} : { password }),
    });
    if (joined.type !== 'room:joined') throw new Error(JSON.stringify(joined));
    await lobbies[0]!.stop(200);
    lobbies.length = 0;
    return {
      room: created.room,
      alice: { id: alice.welcome!.playerId, token: alice.welcome!.sessionToken, ticket: created.ticket! },
      bob: { id: bob.welcome!.playerId, token: bob.welcome!.sessionToken, ticket: joined.ticket! },
    };
  }

  async function comeBack(url: string, kept: { token: string; ticket: string }, metadata = {}) {
    const raw = await RawClient.open(url);
    clients.push(raw);
    const welcome = await raw.hello('ignored', {
      resumeToken: kept.token,
      restore: { ticket: kept.ticket, metadata },
    });
    return { raw, welcome };
  }

  it('puts both players back into the same room, with the same ids, code and settings', async () => {
    const before = await firstRun();
    const url = await lobbyWith({ resumeSecret: SECRET });

    const alice = await comeBack(url, before.alice, { map: 'dust' });
    expect(alice.welcome).toMatchObject({ playerId: before.alice.id, resumed: true, restored: true });
    // The room state comes before `welcome`, so the client re-addresses its peers before it may relay.
    expect(alice.raw.arrivals.slice(0, 2)).toEqual(['room:joined', 'welcome']);
    const aliceState = await alice.raw.nextOfType('room:joined');
    expect(aliceState.restored).toBe(true);
    expect(aliceState.room).toMatchObject({
      id: before.room.id,
      code: before.room.code,
      name: 'Arena',
      capacity: 4,
      visibility: 'private',
      metadata: { map: 'dust' },
      hostId: before.alice.id,
    });
    expect(aliceState.members).toEqual([]);
    expect(aliceState.ticket).not.toBe(before.alice.ticket);

    const bob = await comeBack(url, before.bob);
    expect(bob.welcome.playerId).toBe(before.bob.id);
    const bobState = await bob.raw.nextOfType('room:joined');
    expect(bobState.members.map((m) => m.id)).toEqual([before.alice.id]);
    const seen = await alice.raw.nextOfType('presence:join');
    expect(seen.member.id).toBe(before.bob.id);
    // A fresh pair nonce, the same on both sides.
    expect(seen.member.pairNonce).toBe(bobState.members[0]!.pairNonce);

    // The relay works between the restored players.
    alice.raw.relayTo(bobState.you.peerIndex, Uint8Array.of(7));
    expect((await bob.raw.relaysReceived(1))[0]).toEqual({
      from: aliceState.you.peerIndex,
      payload: Uint8Array.of(7),
    });
  });

  it('keeps the room password (sealed in the ticket, never sent to players in clear)', async () => {
    const before = await firstRun('hunter2');
    expect(before.alice.ticket).not.toContain('hunter2');
    const url = await lobbyWith({ resumeSecret: SECRET });
    await comeBack(url, before.alice);
    const carol = await client(url, 'carol');
    const wrong = await carol.request({ type: 'room:join', roomId: before.room.id, password: 'nope' });
    expect(wrong).toMatchObject({ type: 'error', code: LobbyErrorCode.WrongPassword });
    const right = await carol.request({ type: 'room:join', roomId: before.room.id, password: 'hunter2' });
    expect(right.type).toBe('room:joined');
  });

  it('refuses a ticket sealed with another secret, a replayed ticket, and a ticket of the current run', async () => {
    const before = await firstRun();
    const other = await lobbyWith({ resumeSecret: 'another-secret-entirely-0123456' });
    const stranger = await RawClient.open(other);
    clients.push(stranger);
    const refused = await stranger.request({
      type: 'hello',
      protocolVersion: 1,
      resumeToken: before.alice.token,
      restore: { ticket: before.alice.ticket },
    });
    expect(refused).toMatchObject({ type: 'error', code: LobbyErrorCode.AuthFailed });
    expect(await stranger.closed).toBe(4010);

    const url = await lobbyWith({ resumeSecret: SECRET });
    const first = await comeBack(url, before.alice);
    first.raw.close();
    const replay = await RawClient.open(url);
    clients.push(replay);
    const again = await replay.request({
      type: 'hello',
      protocolVersion: 1,
      resumeToken: before.alice.token,
      restore: { ticket: before.alice.ticket },
    });
    expect(again).toMatchObject({ type: 'error', message: 'player already restored' });
    expect(await replay.closed).toBe(4010);

    // A ticket this very run sealed restores nothing: the session token is the way back.
    const state = await first.raw.nextOfType('room:joined');
    const current = await RawClient.open(url);
    clients.push(current);
    await current.request({
      type: 'hello',
      protocolVersion: 1,
      resumeToken: 'x'.repeat(32),
      restore: { ticket: state.ticket! },
    });
    expect(await current.closed).toBe(4010);
  });

  it('seals tickets that only the same secret opens, and rejects tampering', () => {
    const sealer = new RoomTicketSealer(SECRET);
    const ticket = {
      playerId: 'p1',
      playerName: 'Ada',
      roomId: 'r1',
      roomCode: 'ABCDEF',
      roomName: 'Arena',
      capacity: 8,
      visibility: 'public' as const,
      passwordDigest: Buffer.alloc(32, 9),
      issuedAt: 1234,
      wasHost: true,
      epoch: 7,
      members: ['p1', 'p2'],
    };
    const sealed = sealer.seal(ticket);
    expect(new RoomTicketSealer(SECRET).open(sealed)).toEqual(ticket);
    expect(new RoomTicketSealer('some-other-secret-123').open(sealed)).toBeUndefined();
    expect(new RoomTicketSealer(undefined).open(sealed)).toBeUndefined();
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(sealer.open(bytes.toString('base64url'))).toBeUndefined();
    expect(sealer.open('AAAA')).toBeUndefined();
    expect(sealed.length).toBeLessThan(400);
  });

  /**
   * alice (host) with metadata {mode: 'ranked'}, bob and carol; carol leaves
   * before the restart. Returns each one's latest ticket (fresh ones come
   * with presence events).
   */
  async function roomWhereCarolLeft() {
    const url = await lobbyWith({ resumeSecret: SECRET });
    const alice = await client(url, 'alice');
    const bob = await client(url, 'bob');
    const carol = await client(url, 'carol');
    const created = await alice.createRoom({
      name: 'R',
      capacity: 4,
      visibility: 'public',
      metadata: { mode: 'ranked' },
    });
    const bobJoined = await bob.request({ type: 'room:join', roomId: created.room.id });
    const carolJoined = await carol.request({ type: 'room:join', roomId: created.room.id });
    if (bobJoined.type !== 'room:joined' || carolJoined.type !== 'room:joined')
      throw new Error('join failed');
    await carol.request({ type: 'room:leave' });
    const aliceLeave = await alice.nextOfType('presence:leave');
    const bobLeave = await bob.nextOfType('presence:leave');
    await lobbies[0]!.stop(200);
    lobbies.length = 0;
    const kept = (raw: RawClient, ticket: string | undefined) => ({
      id: raw.welcome!.playerId,
      token: raw.welcome!.sessionToken,
      ticket: ticket!,
    });
    return {
      alice: kept(alice, aliceLeave.ticket),
      bob: kept(bob, bobLeave.ticket),
      carol: kept(carol, carolJoined.ticket), // her ticket from when she was in the room
    };
  }

  it('restore keeps authority: a guest back first neither becomes the sealed host nor sets the metadata; the host gets both back', async () => {
    const before = await roomWhereCarolLeft();
    const url = await lobbyWith({ resumeSecret: SECRET });
    const bob = await comeBack(url, before.bob, { mode: 'casual' }); // hostile: rewrites the metadata
    const bobState = await bob.raw.nextOfType('room:joined');
    expect(bobState.room.metadata).toEqual({}); // not the guest's copy
    // carol had left: a newer membership (bob's ticket) does not list her.
    const carol = await RawClient.open(url);
    clients.push(carol);
    const refused = await carol.request({
      type: 'hello',
      protocolVersion: 2,
      name: 'x',
      resumeToken: before.carol.token,
      restore: { ticket: before.carol.ticket },
    });
    expect(refused.type === 'error' && refused.code).toBe(LobbyErrorCode.AuthFailed);
    expect(await carol.closed).toBe(4010);
    const alice = await comeBack(url, before.alice, { mode: 'ranked' });
    const aliceState = await alice.raw.nextOfType('room:joined');
    expect(aliceState.room.hostId).toBe(before.alice.id);
    expect(await bob.raw.nextOfType('host:change')).toMatchObject({ hostId: before.alice.id });
    expect(await bob.raw.nextOfType('room:metadata')).toMatchObject({ metadata: { mode: 'ranked' } });
  });

  it('a player who had left and comes back first is removed once a newer membership shows up', async () => {
    const before = await roomWhereCarolLeft();
    const url = await lobbyWith({ resumeSecret: SECRET });
    const carol = await comeBack(url, before.carol); // first back: nothing to compare with yet
    await carol.raw.nextOfType('room:joined');
    const bob = await comeBack(url, before.bob);
    const left = await carol.raw.nextOfType('room:left');
    expect(left).toMatchObject({ reason: 'kicked' });
    const bobState = await bob.raw.nextOfType('room:joined');
    expect(bobState.members.map((member) => member.id)).not.toContain(before.carol.id);
  });
  it('a player kicked from a password room cannot restore into it with the ticket it held', async () => {
    const url = await lobbyWith({ resumeSecret: SECRET });
    const alice = await client(url, 'alice');
    const carol = await client(url, 'carol');
    const created = await alice.createRoom({ name: 'R', capacity: 4, visibility: 'private', password: 'pw' });
    const carolJoined = await carol.request({ type: 'room:join', roomId: created.room.id, password: 'pw' });
    if (carolJoined.type !== 'room:joined') throw new Error(JSON.stringify(carolJoined));
    lobbies[0]!.kick(carol.welcome!.playerId, 'cheating');
    const aliceLeave = await alice.nextOfType('presence:leave');
    expect(aliceLeave).toMatchObject({ reason: 'kicked' });
    await lobbies[0]!.stop(200);
    lobbies.length = 0;

    const restarted = await lobbyWith({ resumeSecret: SECRET });
    const back = await comeBack(restarted, {
      token: alice.welcome!.sessionToken,
      ticket: aliceLeave.ticket!,
    });
    expect((await back.raw.nextOfType('room:joined')).room.id).toBe(created.room.id);
    const again = await RawClient.open(restarted);
    clients.push(again);
    const refused = await again.request({
      type: 'hello',
      protocolVersion: 2,
      name: 'x',
      resumeToken: carol.welcome!.sessionToken,
      restore: { ticket: carolJoined.ticket! },
    });
    expect(refused.type === 'error' && refused.code).toBe(LobbyErrorCode.AuthFailed);
  });
});
