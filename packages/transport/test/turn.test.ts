import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import type { Signal } from '@handoff/protocol/lobby';
import { buildBindingRequest } from '@handoff/protocol/stun';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createLobbyServer, type LobbyServer, turnCredential } from '../../lobby/src/index.js';
import { loadDefaultRtcPeerConnection } from '../src/direct/webrtc-node.js';
import { connect, type LobbyClient, type Room, type RtcPeerConnectionConstructor } from '../src/index.js';
import { waitFor } from './support/helpers.js';

const TURNSERVER = '/usr/bin/turnserver';
const SECRET = 'turn-shared-secret-0123456789';
/**
 * coturn's address: not the players' 127.0.0.1. A TURN server's permissions
 * are per IP, so with everything on one address a player's host socket could
 * reach the peer's relayed port and ICE could find a host pair through it,
 * which across real NATs it cannot.
 */
const TURN_HOST = '127.0.0.3';
const skipReason = existsSync(TURNSERVER) ? undefined : `${TURNSERVER} (coturn) not installed`;
if (skipReason !== undefined) console.warn(`TURN tests SKIPPED: ${skipReason}`);

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, TURN_HOST, () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Waits until a STUN binding request to `port` gets an answer (coturn is up), at most 10 s. */
async function untilAnswers(port: number): Promise<void> {
  const socket = createSocket('udp4');
  try {
    const answered = new Promise<void>((resolve) => socket.once('message', () => resolve()));
    const deadline = Date.now() + 4000;
    let done = false;
    void answered.then(() => {
      done = true;
    });
    while (!done) {
      if (Date.now() > deadline) throw new Error('coturn did not answer');
      socket.send(buildBindingRequest(randomBytes(12)), port, TURN_HOST);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    socket.close();
  }
}

/** Every candidate line the signals carried, trickled or in an SDP. */
function signalledCandidates(signals: readonly Signal[]): string[] {
  return signals.flatMap((signal) =>
    signal.kind === 'candidate'
      ? [signal.candidate]
      : signal.kind === 'description'
        ? signal.sdp.split(/\r?\n/).filter((line) => line.startsWith('a=candidate:'))
        : [],
  );
}

describe('TURN credentials (coturn REST form)', () => {
  it('username expiry:playerId, password base64(HMAC-SHA1(secret, username))', () => {
    const now = Date.UTC(2026, 11, 7);
    const { username, credential, expiresAt } = turnCredential(
      { secret: SECRET, urls: ['turn:x'], ttlSeconds: 600 },
      'p1',
      now,
    );
    expect(username).toBe(`${now / 1000 + 600}:p1`);
    expect(credential).toBe(createHmac('sha1', SECRET).update(username).digest('base64'));
    expect(expiresAt).toBe(now + 600_000);
  });
});

/**
 * Against a real coturn (Debian's `turnserver`, `use-auth-secret`) on
 * loopback: the lobby hands out short-lived credentials, `turn-only` players
 * reach each other through the TURN server (path `turn`) and never signal a
 * candidate of their own address; an `auto` pair with TURN available stays
 * direct.
 */
describe.skipIf(skipReason !== undefined)('TURN with a real coturn', () => {
  let coturn: ChildProcess | undefined;
  let lobby: LobbyServer | undefined;
  const clients: LobbyClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await lobby?.stop(200);
    coturn?.kill('SIGKILL');
  });

  /** Starts coturn on a free port; retries on another port if it does not come up (a port taken meanwhile). */
  async function startCoturn(): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const port = await freeUdpPort();
      coturn = spawn(
        TURNSERVER,
        [
          '-n',
          `--listening-ip=${TURN_HOST}`,
          `--relay-ip=${TURN_HOST}`,
          `--listening-port=${port}`,
          '--use-auth-secret',
          `--static-auth-secret=${SECRET}`,
          '--realm=handoff.test',
          '--allow-loopback-peers',
          '--no-cli',
          '--no-tls',
          '--no-dtls',
          '--no-tcp',
          '--min-port=49160',
          '--max-port=49400',
          '--no-stdout-log',
          '--log-file=/dev/null',
        ],
        { stdio: 'ignore' },
      );
      try {
        await untilAnswers(port); // coturn binds its sockets
        return port;
      } catch (error) {
        coturn.kill('SIGKILL');
        if (attempt >= 2) throw error;
      }
    }
  }

  async function start(): Promise<string> {
    const port = await startCoturn();
    lobby = createLobbyServer({
      port: 0,
      host: '127.0.0.1',
      stunPort: false,
      logger: pino({ level: 'silent' }),
      turn: { secret: SECRET, urls: [`turn:${TURN_HOST}:${port}?transport=udp`], ttlSeconds: 600 },
    });
    const { port: lobbyPort } = await lobby.start();
    return `ws://127.0.0.1:${lobbyPort}/`;
  }

  async function pair(
    url: string,
    direct: 'auto' | 'turn-only',
  ): Promise<{ rooms: Room<never>[]; signals: Signal[] }> {
    const signals: Signal[] = [];
    const rooms: Room<never>[] = [];
    for (let i = 0; i < 2; i++) {
      const client = await connect<never>(url, { name: `p${i}`, room: { direct } });
      clients.push(client as unknown as LobbyClient);
      client.on('signal', (message) => signals.push(message.signal));
      rooms.push(
        i === 0
          ? await client.createRoom({ name: 'R', capacity: 2, visibility: 'public' })
          : await client.joinRoom({ roomId: rooms[0]!.id }),
      );
    }
    return { rooms, signals };
  }

  it("welcome carries a TURN entry with a credential of the player's own; the secret never leaves the lobby", async () => {
    const url = await start();
    const client = await connect(url, { name: 'a' });
    clients.push(client);
    const turn = client.iceServers.find((server) => String(server.urls).startsWith('turn:'));
    expect(turn?.username).toMatch(new RegExp(`^\\d+:${client.playerId}$`));
    expect(turn?.credential).toBe(createHmac('sha1', SECRET).update(turn!.username!).digest('base64'));
    expect(JSON.stringify(client.iceServers)).not.toContain(SECRET);
  });

  it('turn-only: the pair validates through coturn (path turn) and signals relay candidates only', async () => {
    const url = await start();
    const { rooms, signals } = await pair(url, 'turn-only');
    const [a, b] = rooms as [Room<never>, Room<never>];
    const onTurn = (room: Room<never>): boolean =>
      room.peers.size === 1 && [...room.peers.values()].every((peer) => peer.path === 'turn');
    await waitFor(() => onTurn(a) && onTurn(b), 15_000).catch((error) => {
      console.log(
        'turn-only pair not on TURN; paths, fallbacks:',
        [...a.peers.values()].map((p) => p.path),
        a.stats([...a.peers.keys()][0]!).fallbacks,
      );
      throw error;
    });
    const candidates = signalledCandidates(signals);
    expect(candidates.length).toBeGreaterThan(0);
    for (const candidate of candidates) expect(candidate).toMatch(/ typ relay/);
    expect(a.stats(b.me.id).path).toBe('turn');
    expect(a.roomStats().onPath.turn).toBe(1);
    // The NAT behaviour telemetry reports: ICE connected, on relay candidates at both ends.
    expect(a.stats(b.me.id).nat).toEqual({ ice: 'reached', local: 'relay', remote: 'relay' });
  });

  it('turn-only beside an auto peer: the pair plays on TURN, never on a direct path that would show its address', async () => {
    const url = await start();
    const signals: Signal[] = [];
    const shy = await connect<never>(url, {
      name: 'shy',
      room: { direct: 'turn-only' },
    });
    const open = await connect<never>(url, { name: 'open', room: { direct: 'auto' } });
    clients.push(shy as unknown as LobbyClient, open as unknown as LobbyClient);
    open.on('signal', (message) => signals.push(message.signal));
    const a = await shy.createRoom({ name: 'R', capacity: 2, visibility: 'public' });
    const b = await open.joinRoom({ roomId: a.id });
    const seen: string[] = [];
    a.on('path:change', (event) => seen.push(event.to));
    b.on('path:change', (event) => seen.push(event.to));
    await waitFor(() => a.peers.size === 1 && b.peers.size === 1);
    await waitFor(
      () => a.stats(open.playerId).path === 'turn' && b.stats(shy.playerId).path === 'turn',
      15_000,
    ).catch((error) => {
      console.log('DEBUG', seen, a.stats(open.playerId).fallbacks, b.stats(shy.playerId).fallbacks);
      throw error;
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(seen).toEqual(['turn', 'turn']);
    const fromShy = signalledCandidates(signals);
    expect(fromShy.length).toBeGreaterThan(0);
    for (const candidate of fromShy) expect(candidate).toMatch(/ typ relay/);
  });

  it('auto: with TURN available, a pair that can reach each other stays direct', async () => {
    const url = await start();
    const { rooms } = await pair(url, 'auto');
    const [a] = rooms as [Room<never>];
    await waitFor(
      () => a.peers.size === 1 && [...a.peers.values()].every((peer) => peer.path === 'direct'),
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect([...a.peers.values()].map((peer) => peer.path)).toEqual(['direct']);
    // No relay candidate on the selected pair of a direct link.
    const nat = a.stats([...a.peers.keys()][0]!).nat;
    expect(nat.ice).toBe('reached');
    expect(['host', 'srflx', 'prflx']).toContain(nat.local);
    expect(['host', 'srflx', 'prflx']).toContain(nat.remote);
  });

  it('a pair whose direct lane fails at first plays on TURN, keeps retrying direct and moves there, chat exactly once', async () => {
    const url = await start();
    const Native = (await loadDefaultRtcPeerConnection()) as unknown as new (
      configuration: RTCConfiguration,
    ) => RTCPeerConnection;
    // Each player's first direct-lane connection (the one configured without a TURN server)
    // applies none of the peer's candidates, so neither side learns where to send its checks
    // and the attempt fails, as behind NATs that don't punch. Its TURN lane and later direct
    // attempts are untouched: lobby, signal lanes, WebRTC and coturn are all real.
    // (node-datachannel's constructor returns its own object: methods are patched on it.)
    const sabotaged = new Set<string>();
    const firstDirectBlind = (player: string) =>
      function BlindOnce(configuration: RTCConfiguration): RTCPeerConnection {
        const pc = new Native(configuration);
        const turn = (configuration.iceServers ?? []).some((server) => String(server.urls).includes('turn:'));
        if (turn || sabotaged.has(player)) return pc;
        sabotaged.add(player);
        pc.addIceCandidate = async () => undefined;
        const setRemoteDescription = pc.setRemoteDescription.bind(pc);
        pc.setRemoteDescription = (description: RTCSessionDescriptionInit) =>
          setRemoteDescription({
            ...description,
            sdp: (description.sdp ?? '')
              .split('\r\n')
              .filter((line) => !line.startsWith('a=candidate:'))
              .join('\r\n'),
          });
        return pc;
      };
    const room = (player: string) => ({
      directRetry: { initialDelayMs: 200, maxDelayMs: 400 },
      directTiming: { attemptTimeoutMs: 1500 },
      RTCPeerConnection: firstDirectBlind(player) as unknown as RtcPeerConnectionConstructor,
    });
    const alice = await connect<never>(url, { name: 'alice', room: room('alice') });
    const bob = await connect<never>(url, { name: 'bob', room: room('bob') });
    clients.push(alice as unknown as LobbyClient, bob as unknown as LobbyClient);
    expect(alice.relaysSignalLanes).toBe(true);
    const a = await alice.createRoom({ name: 'R', capacity: 2, visibility: 'public' });
    const b = await bob.joinRoom({ roomId: a.id });
    const paths: Record<string, string[]> = { a: [], b: [] };
    a.on('path:change', (event) => paths.a!.push(event.to));
    b.on('path:change', (event) => paths.b!.push(event.to));
    const received: string[] = [];
    b.on('message', (event) => received.push(String((event.message as { text: string }).text)));
    await waitFor(() => a.peers.size === 1 && b.peers.size === 1);
    let sent = 0;
    const pump = setInterval(() => {
      for (let i = 0; i < 5; i++) a.send(bob.playerId, 'chat' as never, { text: `m${sent++}` } as never);
    }, 10);
    try {
      await waitFor(() => paths.a!.includes('turn') && paths.b!.includes('turn'), 10_000);
      await waitFor(
        () => a.stats(bob.playerId).path === 'direct' && b.stats(alice.playerId).path === 'direct',
        15_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      clearInterval(pump);
    }
    await waitFor(() => received.length === sent, 5000);
    expect(received).toEqual(Array.from({ length: sent }, (_, i) => `m${i}`));
    expect(paths.a).toEqual(['turn', 'direct']);
    expect(paths.b).toEqual(['turn', 'direct']);
    // The TURN link is closed a moment after the move; the pair stays direct.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(a.stats(bob.playerId).path).toBe('direct');
    expect(a.stats(bob.playerId).traffic.turn.datagramsOut).toBeGreaterThan(0);
  });
});
