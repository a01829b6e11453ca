import { LobbyErrorCode, type Member, type ServerMessage } from '@handoff/protocol/lobby';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LobbyServer } from '../src/index.js';
import { startLobby } from './support/lobby-fixture.js';
import { RawClient } from './support/raw-client.js';

/** Conformance: the raw wire protocol (docs/protocol.md) against a running lobby over real WebSockets. */
describe('lobby conformance', () => {
  let lobby: LobbyServer;
  let url: string;
  const clients: RawClient[] = [];
  const connect = async (name: string): Promise<RawClient> => {
    const client = await RawClient.welcomed(url, name);
    clients.push(client);
    return client;
  };
  const errorCode = (message: ServerMessage): number => (message.type === 'error' ? message.code : -1);

  beforeEach(async () => {
    ({ lobby, url } = await startLobby({
      stunPort: 3478,
      iceServers: [{ urls: 'stun:stun.example.org:3478' }],
    }));
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await lobby.stop(500);
  });

  it('welcomes with a player id, a ≥128-bit session token, ICE servers and limits', async () => {
    const alice = await connect('alice');
    const welcome = alice.welcome!;
    expect(welcome.playerId).toMatch(/^[A-Za-z0-9_-]{8,}$/);
    expect(Buffer.from(welcome.sessionToken, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(welcome.resumed).toBe(false);
    expect(welcome.iceServers).toEqual([
      { urls: 'stun:127.0.0.1:3478' },
      { urls: 'stun:stun.example.org:3478' },
    ]);
    expect(welcome.limits.maxRelayPayloadBytes).toBe(1200);
    expect(welcome.limits.resumeGraceMs).toBe(20_000);
  });

  it('refuses requests before hello, and unsupported protocol versions', async () => {
    const early = await RawClient.open(url);
    clients.push(early);
    expect(errorCode(await early.request({ type: 'room:list' }))).toBe(LobbyErrorCode.NotWelcomed);
    const old = await RawClient.open(url);
    clients.push(old);
    const reply = await old.request({ type: 'hello', protocolVersion: 99 });
    expect(errorCode(reply)).toBe(LobbyErrorCode.UnsupportedVersion);
    expect(await old.closed).toBe(4001);
  });

  it('creates, lists, joins by code and by id, with pair nonces shared by each pair', async () => {
    const alice = await connect('alice');
    const created = await alice.createRoom({
      name: 'Arena',
      capacity: 4,
      visibility: 'public',
      metadata: { mode: 'ffa' },
    });
    expect(created.you.peerIndex).toBe(0);
    expect(created.members).toEqual([]);
    expect(created.room.hostId).toBe(alice.welcome!.playerId);

    const bob = await connect('bob');
    const listed = await bob.request({
      type: 'room:list',
      filter: { metadata: { mode: 'ffa' }, hasFreeSlots: true },
    });
    if (listed.type !== 'room:list-result') throw new Error(JSON.stringify(listed));
    expect(listed.rooms).toEqual([
      {
        id: created.room.id,
        name: 'Arena',
        members: 1,
        capacity: 4,
        hasPassword: false,
        metadata: { mode: 'ffa' },
      },
    ]);
    const joined = await bob.request({ type: 'room:join', code: created.room.code.toLowerCase() });
    if (joined.type !== 'room:joined') throw new Error(JSON.stringify(joined));
    expect(joined.you.peerIndex).toBe(1);
    const aliceAsSeenByBob = joined.members[0] as Member;
    expect(aliceAsSeenByBob).toMatchObject({
      id: alice.welcome!.playerId,
      name: 'alice',
      peerIndex: 0,
      isHost: true,
    });
    const presence = await alice.nextOfType('presence:join');
    expect(presence.member).toMatchObject({ id: bob.welcome!.playerId, peerIndex: 1, isHost: false });
    expect(presence.member.pairNonce).toBe(aliceAsSeenByBob.pairNonce);
    expect(presence.member.pairNonce.length).toBeGreaterThanOrEqual(22);

    const carol = await connect('carol');
    const carolJoined = await carol.request({ type: 'room:join', roomId: created.room.id });
    if (carolJoined.type !== 'room:joined') throw new Error(JSON.stringify(carolJoined));
    const nonces = carolJoined.members.map((m) => m.pairNonce);
    expect(new Set([...nonces, aliceAsSeenByBob.pairNonce]).size).toBe(3); // one per pair
  });

  it('never lists private rooms or passwords, and checks passwords', async () => {
    const alice = await connect('alice');
    const created = await alice.createRoom({
      name: 'Secret',
      capacity: 2,
      visibility: 'private',
      password: 'hunter2',
    });
    const bob = await connect('bob');
    const listed = await bob.request({ type: 'room:list' });
    expect(listed).toMatchObject({ type: 'room:list-result', rooms: [] });
    const wrong = await bob.request({ type: 'room:join', roomId: created.room.id, password: 'hunter3' });
    expect(errorCode(wrong)).toBe(LobbyErrorCode.WrongPassword);
    const right = await bob.request({ type: 'room:join', roomId: created.room.id, password: 'hunter2' });
    expect(right.type).toBe('room:joined');
    const carol = await connect('carol');
    const full = await carol.request({ type: 'room:join', roomId: created.room.id, password: 'hunter2' });
    expect(errorCode(full)).toBe(LobbyErrorCode.RoomFull);
  });

  it('quick-joins a matching room, or creates one, or says none matches', async () => {
    const alice = await connect('alice');
    const none = await alice.request({ type: 'room:quick-join', filter: { metadata: { map: 'dust' } } });
    expect(errorCode(none)).toBe(LobbyErrorCode.NoMatchingRoom);
    const made = await alice.request({
      type: 'room:quick-join',
      filter: { metadata: { map: 'dust' } },
      create: { name: 'Dust', capacity: 8, visibility: 'public', metadata: { map: 'dust' } },
    });
    if (made.type !== 'room:joined') throw new Error(JSON.stringify(made));
    const bob = await connect('bob');
    const matched = await bob.request({ type: 'room:quick-join', filter: { metadata: { map: 'dust' } } });
    expect(matched).toMatchObject({ type: 'room:joined', room: { id: made.room.id } });
  });

  it('relays to one peer with the source index, and broadcasts once to every other member', async () => {
    const [alice, bob, carol] = [await connect('alice'), await connect('bob'), await connect('carol')];
    const created = await alice.createRoom({ name: 'R', capacity: 4, visibility: 'public' });
    await bob.request({ type: 'room:join', roomId: created.room.id });
    await carol.request({ type: 'room:join', roomId: created.room.id });
    alice.relayTo(1, Uint8Array.of(1, 2, 3));
    expect((await bob.relaysReceived(1))[0]).toEqual({ from: 0, payload: Uint8Array.of(1, 2, 3) });
    bob.broadcast(Uint8Array.of(9));
    expect((await alice.relaysReceived(1))[0]).toEqual({ from: 1, payload: Uint8Array.of(9) });
    expect((await carol.relaysReceived(1))[0]).toEqual({ from: 1, payload: Uint8Array.of(9) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bob.relays).toHaveLength(1); // the sender does not get its own broadcast
    const outsider = await connect('dave');
    outsider.relayTo(0, Uint8Array.of(7));
    expect(errorCode(await outsider.nextOfType('error'))).toBe(LobbyErrorCode.NotInRoom);
  });

  it('relay bundles (protocol 2): split per destination, stamped with the source, regrouped per recipient', async () => {
    const [alice, bob, carol] = [await connect('alice'), await connect('bob'), await connect('carol')];
    const old = await RawClient.open(url);
    clients.push(old);
    await old.hello('old', { protocolVersion: 1 });
    const created = await alice.createRoom({ name: 'R', capacity: 4, visibility: 'public' });
    for (const client of [bob, carol, old])
      await client.request({ type: 'room:join', roomId: created.room.id });
    const dropped = lobby.state.metrics.relay.dropped;
    // To bob, carol, bob again, the old client, alice herself and an empty index.
    alice.bundle([
      [1, Uint8Array.of(1)],
      [2, Uint8Array.of(2, 2)],
      [1, Uint8Array.of(3)],
      [3, Uint8Array.of(4)],
      [0, Uint8Array.of(5)],
      [9, Uint8Array.of(6)],
    ]);
    expect(await bob.relaysReceived(2)).toEqual([
      { from: 0, payload: Uint8Array.of(1) },
      { from: 0, payload: Uint8Array.of(3) },
    ]);
    expect(bob.bundlesReceived).toBe(1); // both datagrams of that flush in one frame
    expect(await carol.relaysReceived(1)).toEqual([{ from: 0, payload: Uint8Array.of(2, 2) }]);
    expect(await old.relaysReceived(1)).toEqual([{ from: 0, payload: Uint8Array.of(4) }]);
    expect(old.bundlesReceived).toBe(0); // a protocol-1 client gets plain relay frames
    expect(lobby.state.metrics.relay.dropped - dropped).toBe(2);
    // Datagrams from two senders to one recipient: each stamped with its own source.
    bob.bundle([[2, Uint8Array.of(7)]]);
    alice.bundle([[2, Uint8Array.of(8)]]);
    const both = await carol.relaysReceived(3);
    expect(new Set(both.slice(1).map((relay) => relay.from))).toEqual(new Set([0, 1]));
    // A malformed bundle is refused with a typed error; nothing in it is forwarded; the socket stays open.
    alice.sendRaw(Uint8Array.of(0x03, 0, 1, 0, 5, 1));
    expect(errorCode(await alice.nextOfType('error'))).toBe(LobbyErrorCode.BadRequest);
    alice.sendRaw(Uint8Array.of(0x03, 0, 1, 0x05, 0x00, ...new Uint8Array(1280)));
    expect(errorCode(await alice.nextOfType('error'))).toBe(LobbyErrorCode.MessageTooLarge);
    alice.bundle([[1, Uint8Array.of(9)]]);
    expect((await bob.relaysReceived(3))[2]).toEqual({ from: 0, payload: Uint8Array.of(9) });
    expect(alice.closeCode).toBeUndefined();
  });

  it('forwards signals only inside the room, stamped with the real sender', async () => {
    const [alice, bob, mallory] = [await connect('alice'), await connect('bob'), await connect('mallory')];
    const created = await alice.createRoom({ name: 'R', capacity: 4, visibility: 'public' });
    await bob.request({ type: 'room:join', roomId: created.room.id });
    alice.send({
      type: 'signal',
      to: bob.welcome!.playerId,
      signal: { kind: 'description', sdpType: 'offer', sdp: 'v=0' },
      from: bob.welcome!.playerId, // spoofed: must be ignored
    } as never);
    const signal = await bob.nextOfType('signal');
    expect(signal).toEqual({
      type: 'signal',
      from: alice.welcome!.playerId,
      signal: { kind: 'description', sdpType: 'offer', sdp: 'v=0' },
    });
    await mallory.request({ type: 'room:create', name: 'Other', capacity: 2, visibility: 'public' });
    const refused = await mallory.request({
      type: 'signal',
      to: bob.welcome!.playerId,
      signal: { kind: 'end-of-candidates' },
    });
    expect(errorCode(refused)).toBe(LobbyErrorCode.PeerNotFound);
  });

  it('hands the host role on when the host leaves, and lets only the host set metadata', async () => {
    const [alice, bob] = [await connect('alice'), await connect('bob')];
    const created = await alice.createRoom({ name: 'R', capacity: 4, visibility: 'public' });
    await bob.request({ type: 'room:join', roomId: created.room.id });
    const notHost = await bob.request({ type: 'room:set-metadata', metadata: { round: 2 } });
    expect(errorCode(notHost)).toBe(LobbyErrorCode.NotHost);
    expect(await alice.request({ type: 'room:set-metadata', metadata: { round: 2 } })).toMatchObject({
      type: 'room:metadata',
      metadata: { round: 2 },
    });
    expect(await bob.nextOfType('room:metadata')).toEqual({ type: 'room:metadata', metadata: { round: 2 } });
    expect(await alice.request({ type: 'room:leave' })).toMatchObject({ type: 'room:left', reason: 'left' });
    expect(await bob.nextOfType('presence:leave')).toMatchObject({
      playerId: alice.welcome!.playerId,
      reason: 'left',
    });
    expect(await bob.nextOfType('host:change')).toEqual({
      type: 'host:change',
      hostId: bob.welcome!.playerId,
    });
    expect(errorCode(await alice.request({ type: 'room:leave' }))).toBe(LobbyErrorCode.NotInRoom);
  });

  it('answers ping with pong, and refuses a second room', async () => {
    const alice = await connect('alice');
    expect(await alice.request({ type: 'ping', t: 123.5 })).toMatchObject({ type: 'pong', t: 123.5 });
    await alice.request({ type: 'room:create', name: 'R', capacity: 4, visibility: 'public' });
    const again = await alice.request({ type: 'room:create', name: 'R2', capacity: 4, visibility: 'public' });
    expect(errorCode(again)).toBe(LobbyErrorCode.AlreadyInRoom);
  });

  it('answers malformed control messages with BadRequest and the request id', async () => {
    const alice = await connect('alice');
    alice.sendUnchecked({ type: 'room:create', requestId: 77, name: '', capacity: 1, visibility: 'public' });
    expect(await alice.reply(77)).toMatchObject({ type: 'error', code: LobbyErrorCode.BadRequest });
    alice.sendUnchecked({ type: 'room:teleport', requestId: 78 });
    expect(await alice.reply(78)).toMatchObject({ type: 'error', code: LobbyErrorCode.BadRequest });
    const tooBig = await alice.request({
      type: 'room:create',
      name: 'R',
      capacity: 64,
      visibility: 'public',
    });
    expect(errorCode(tooBig)).toBe(LobbyErrorCode.BadRequest);
  });
});
