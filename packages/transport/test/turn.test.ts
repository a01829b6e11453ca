import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import type { Signal } from '@handoff/protocol/lobby';
import { buildBindingRequest } from '@handoff/protocol/stun';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createLobbyServer, type LobbyServer, turnCredential } from '../../lobby/src/index.js';
import { connect, type LobbyClient, type Room } from '../src/index.js';
import { waitFor } from './support/helpers.js';

const TURNSERVER = '/usr/bin/turnserver';
const SECRET = 'turn-shared-secret-0123456789';
const skipReason = existsSync(TURNSERVER) ? undefined : `${TURNSERVER} (coturn) not installed`;
if (skipReason !== undefined) console.warn(`TURN tests SKIPPED: ${skipReason}`);

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
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
      socket.send(buildBindingRequest(randomBytes(12)), port, '127.0.0.1');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    socket.close();
  }
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
          '--listening-ip=127.0.0.1',
          '--relay-ip=127.0.0.1',
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
      turn: { secret: SECRET, urls: [`turn:127.0.0.1:${port}?transport=udp`], ttlSeconds: 600 },
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
        'TURN-ONLY',
        [...a.peers.values()].map((p) => p.path),
        a.stats([...a.peers.keys()][0]!).fallbacks,
      );
      throw error;
    });
    const candidates = signals.flatMap((signal) =>
      signal.kind === 'candidate'
        ? [signal.candidate]
        : signal.kind === 'description'
          ? signal.sdp.split(/\r?\n/).filter((line) => line.startsWith('a=candidate:'))
          : [],
    );
    expect(candidates.length).toBeGreaterThan(0);
    for (const candidate of candidates) expect(candidate).toMatch(/ typ relay/);
    expect(a.stats(b.me.id).path).toBe('turn');
    expect(a.roomStats().onPath.turn).toBe(1);
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
  });
});
