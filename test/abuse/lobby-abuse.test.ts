import { LOBBY_PROTOCOL_VERSION, LobbyErrorCode } from '@handoff/protocol/lobby';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LobbyServer } from '../../packages/lobby/src/index.js';
import { startLobby } from '../../packages/lobby/test/support/lobby-fixture.js';
import { RawClient } from '../../packages/lobby/test/support/raw-client.js';

/**
 * Hostile clients against one running lobby. While they misbehave, a
 * well-behaved pair in another room streams relay frames and must receive
 * every one of them.
 */
describe('lobby under abuse', () => {
  let lobby: LobbyServer;
  let url: string;
  let sentinelA: RawClient;
  let sentinelB: RawClient;
  let sentinelTimer: NodeJS.Timeout;
  let sentinelSent = 0;
  const closes: number[] = [];

  beforeAll(async () => {
    ({ lobby, url } = await startLobby({
      limits: {
        maxConnectionsPerIp: 40,
        maxSendQueueBytes: 256 * 1024,
        handshakeTimeoutMs: 300,
        idleTimeoutMs: 400,
      },
    }));
    lobby.on('connection:reject', (event) => closes.push(event.code));
    sentinelA = await RawClient.welcomed(url, 'sentinel-a');
    sentinelB = await RawClient.welcomed(url, 'sentinel-b');
    const room = await sentinelA.createRoom({ name: 'Calm', capacity: 2, visibility: 'private' });
    await sentinelB.request({ type: 'room:join', roomId: room.room.id });
    // 100 frames a second from A to B, plus B's heartbeats, for the whole suite.
    sentinelTimer = setInterval(() => {
      const payload = new Uint8Array(32);
      new DataView(payload.buffer).setUint32(0, sentinelSent++);
      sentinelA.relayTo(1, payload);
      if (sentinelSent % 10 === 0) sentinelB.send({ type: 'ping', t: sentinelSent });
    }, 10);
  });

  afterAll(async () => {
    clearInterval(sentinelTimer);
    sentinelA.close();
    sentinelB.close();
    await lobby.stop(500);
  });

  async function hostile(name = 'mallory'): Promise<RawClient> {
    return RawClient.welcomed(url, name);
  }

  it('closes an oversized frame with 4004', async () => {
    const client = await hostile();
    client.sendRaw(new Uint8Array(40_000));
    expect(await client.closed).toBe(4004);
  });

  it('throttles a flood of tiny frames with RateLimited, then closes with 4003', async () => {
    const client = await hostile();
    for (let i = 0; i < 3000; i++) client.send({ type: 'ping', t: i });
    expect(await client.closed).toBe(4003);
    expect(client.messages.some((m) => m.type === 'error' && m.code === LobbyErrorCode.RateLimited)).toBe(
      true,
    );
  });

  it('answers malformed and schema-invalid messages with BadRequest and stays healthy', async () => {
    const client = await hostile();
    const hostileBodies: unknown[] = [
      JSON.parse('{"type":"room:list","requestId":1,"__proto__":{"polluted":true}}'),
      { type: 'room:list', requestId: 2, filter: { metadata: JSON.parse('{"__proto__":{"x":1}}') } },
      { type: 'ping', requestId: 3, t: nest(60) },
      {
        type: 'room:list',
        requestId: 4,
        filter: { metadata: Object.fromEntries(range(500).map((i) => [`k${i}`, i])) },
      },
      {
        type: 'signal',
        requestId: 5,
        to: 'x',
        signal: { kind: 'description', sdpType: 'offer', sdp: 'x'.repeat(17_000) },
      },
      { type: 'room:create', requestId: 6, name: 7, capacity: 'many', visibility: 'secret' },
      range(3000),
      'just a string',
    ];
    for (const body of hostileBodies) client.sendUnchecked(body);
    client.sendRaw(Uint8Array.of(0x00, 0xc1)); // a byte MessagePack never uses
    client.sendRaw(Uint8Array.of(0x00, 0x92, 0x01)); // truncated
    const errors = [];
    for (let i = 0; i < hostileBodies.length + 2; i++) errors.push(await client.nextOfType('error'));
    expect(
      errors.every((e) => e.code === LobbyErrorCode.BadRequest || e.code === LobbyErrorCode.MessageTooLarge),
    ).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(await client.request({ type: 'ping', t: 1 })).toMatchObject({ type: 'pong' });
    client.close();
  });

  it('closes text frames and unknown frame kinds with 4000', async () => {
    const text = await hostile();
    text.ws.send('hello?');
    expect(await text.closed).toBe(4000);
    const unknown = await hostile();
    unknown.sendRaw(Uint8Array.of(0x7f, 1, 2));
    expect(await unknown.closed).toBe(4000);
  });

  it('cannot reach another room by relay or signal, and cannot spoof the source index', async () => {
    const [a, b] = [await hostile('a'), await hostile('b')];
    const room = await a.createRoom({ name: 'Noisy', capacity: 4, visibility: 'public' });
    await b.request({ type: 'room:join', roomId: room.room.id });
    const sentinelRelays = sentinelB.relays.length;
    for (let index = 0; index < 10; index++) a.relayTo(index, Uint8Array.of(0xee)); // indexes are per room
    const signal = await a.request({
      type: 'signal',
      to: sentinelB.welcome!.playerId,
      signal: { kind: 'end-of-candidates' },
    });
    expect(signal).toMatchObject({ type: 'error', code: LobbyErrorCode.PeerNotFound });
    const relayed = await b.relaysReceived(1);
    expect(relayed[0]).toEqual({ from: 0, payload: Uint8Array.of(0xee) }); // stamped with a's real index
    await sleep(50);
    expect(sentinelB.relays.slice(sentinelRelays).some((r) => r.payload[0] === 0xee)).toBe(false);
    a.close();
    b.close();
  });

  it('refuses brute-forcing a room password', async () => {
    const owner = await hostile('owner');
    const room = await owner.createRoom({
      name: 'Vault',
      capacity: 4,
      visibility: 'private',
      password: 'correct horse',
    });
    const thief = await hostile('thief');
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const reply = await thief.request({ type: 'room:join', roomId: room.room.id, password: `guess${i}` });
      codes.push(reply.type === 'error' ? reply.code : 0);
    }
    expect(codes.slice(0, 10).every((c) => c === LobbyErrorCode.WrongPassword)).toBe(true);
    expect(codes.slice(10).every((c) => c === LobbyErrorCode.RateLimited)).toBe(true);
    const right = await thief.request({ type: 'room:join', roomId: room.room.id, password: 'correct horse' });
    expect(right).toMatchObject({ type: 'error', code: LobbyErrorCode.RateLimited });
    owner.close();
    thief.close();
  });

  it('closes a slow consumer with 4005 instead of buffering without bound', async () => {
    const { lobby: fast, url: fastUrl } = await startLobby({
      limits: {
        maxSendQueueBytes: 1024 * 1024,
        maxBytesPerSecond: 1e9,
        maxMessagesPerSecond: 1e6,
        maxRelayPayloadBytes: 60_000,
        maxPayloadBytes: 65_536,
      },
    });
    const rejected: number[] = [];
    fast.on('connection:reject', (event) => rejected.push(event.code));
    const sender = await RawClient.welcomed(fastUrl, 'sender');
    const sleeper = await RawClient.welcomed(fastUrl, 'sleeper');
    const room = await sender.createRoom({ name: 'R', capacity: 2, visibility: 'public' });
    await sleeper.request({ type: 'room:join', roomId: room.room.id });
    // Never read again (ws resumes a merely paused socket, so detach its reader too).
    const socket = (sleeper.ws as unknown as { _socket: NodeJS.ReadableStream })._socket;
    socket.removeAllListeners('data');
    socket.pause();
    // Loopback kernel buffers absorb tens of MB first (tcp_rmem autotuning), so push well past that.
    const payload = new Uint8Array(60_000);
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 4000 && !rejected.includes(4005); i++) {
      sender.relayTo(1, payload);
      if (i % 20 === 0) await sleep(1);
    }
    await waitFor(() => rejected.includes(4005), 5000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    expect(fast.metrics.relay.dropped).toBe(0); // closed, not silently dropping
    expect(await sender.request({ type: 'ping', t: 1 })).toMatchObject({ type: 'pong' }); // the sender is fine
    sender.close();
    sleeper.ws.terminate();
    await fast.stop(200);
  });

  it('drops sockets beyond the per-IP limit before the upgrade', async () => {
    const { lobby: strict, url: strictUrl } = await startLobby({ limits: { maxConnectionsPerIp: 3 } });
    const opened = await Promise.allSettled(range(4).map(() => RawClient.open(strictUrl)));
    const sockets = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    expect(sockets).toHaveLength(3); // the fourth TCP connection was closed before any HTTP
    for (const socket of sockets) socket.close();
    await strict.stop(200);
  });

  it('closes a connection that never says hello (4012) and one that goes silent (4007)', async () => {
    const mute = await RawClient.open(url);
    expect(await mute.closed).toBe(4012);
    const quiet = await hostile('quiet');
    expect(await quiet.closed).toBe(4007);
  });

  it('kept the calm room working without loss throughout', async () => {
    const expected = sentinelSent;
    await waitFor(() => sentinelB.relays.length >= expected, 10_000); // patient: other test files share the CPU
    const received = sentinelB.relays.map((r) =>
      new DataView(r.payload.buffer, r.payload.byteOffset).getUint32(0),
    );
    expect(received.slice(0, expected)).toEqual(range(expected));
    expect(expected).toBeGreaterThan(50);
    expect(sentinelA.closeCode).toBeUndefined();
    expect(sentinelB.closeCode).toBeUndefined();
    expect(closes).toEqual(expect.arrayContaining([4004, 4003, 4000, 4012, 4007]));
  });
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function nest(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

// Keep the import used for its types: the raw protocol version is part of the fixture contract.
void LOBBY_PROTOCOL_VERSION;
void WebSocket;
