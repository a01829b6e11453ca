import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync } from 'node:fs';
import {
  buildBindingRequest,
  buildBindingSuccess,
  createTransactionId,
  decodeErrorCode,
  decodeSoftware,
  decodeUnknownAttributes,
  encodeStunMessage,
  getMappedAddress,
  getStunAttribute,
  parseStunMessage,
  StunAttributeType,
  StunClass,
  type StunMessage,
  StunMessageType,
  transactionIdsEqual,
} from '@handoff/protocol/stun';
import { afterEach, describe, expect, it } from 'vitest';
import { respondToStunDatagram } from '../src/stun/binding-responder.js';
import { IpRateLimiter } from '../src/stun/ip-rate-limiter.js';
import { createStunServer, type StunRequestEvent, type StunServer } from '../src/stun/stun-server.js';
import { startLobby } from './support/lobby-fixture.js';

const TURNUTILS = '/usr/bin/turnutils_stunclient';
const hasTurnutils = existsSync(TURNUTILS);
if (!hasTurnutils) {
  console.warn(`SKIP turnutils_stunclient tests: ${TURNUTILS} not found (apt-get install coturn)`);
}

/** Whether this machine can bind UDP on ::1 (no IPv6 in some containers). */
const ipv6 = await new Promise<boolean>((resolve) => {
  const probe = createSocket('udp6');
  probe.once('error', () => {
    probe.close();
    resolve(false);
  });
  probe.bind(0, '::1', () => {
    probe.close();
    resolve(true);
  });
});
if (!ipv6) console.warn('SKIP IPv6 STUN tests: cannot bind a UDP socket on ::1 here');

const newId = (): Uint8Array => createTransactionId((n) => new Uint8Array(randomBytes(n)));

/** A UDP client socket that records everything it receives. */
class Client {
  readonly received: Uint8Array[] = [];
  readonly #waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('message', (message) => {
      this.received.push(new Uint8Array(message));
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  static async open(type: 'udp4' | 'udp6', host: string): Promise<Client> {
    const socket = createSocket(type);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => resolve());
    });
    return new Client(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(bytes: Uint8Array, port: number, host: string): void {
    this.socket.send(bytes, port, host);
  }

  /** Waits for a response with this transaction id. */
  async response(transactionId: Uint8Array, timeoutMs = 2000): Promise<StunMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const bytes of this.received) {
        const message = parseStunMessage(bytes);
        if (transactionIdsEqual(message.transactionId, transactionId)) return message;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no STUN response');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let servers: StunServer[] = [];
let clients: Client[] = [];

afterEach(async () => {
  for (const client of clients) client.close();
  await Promise.all(servers.map((server) => server.stop()));
  servers = [];
  clients = [];
});

async function startServer(
  options: Parameters<typeof createStunServer>[0] = {},
): Promise<{ server: StunServer; port: number; events: StunRequestEvent[]; errors: Error[] }> {
  const events: StunRequestEvent[] = [];
  const errors: Error[] = [];
  const server = createStunServer({
    port: 0,
    host: '127.0.0.1',
    onRequest: (event) => events.push(event),
    onError: (error) => errors.push(error),
    ...options,
  });
  servers.push(server);
  const { port } = await server.start();
  return { server, port, events, errors };
}

async function openClient(type: 'udp4' | 'udp6' = 'udp4', host = '127.0.0.1'): Promise<Client> {
  const client = await Client.open(type, host);
  clients.push(client);
  return client;
}

describe('STUN server over real UDP', () => {
  it('answers a Binding request with the client address as the socket saw it', async () => {
    const { server, port, events, errors } = await startServer();
    expect(server.address()).toEqual({ port, address: '127.0.0.1' });
    const client = await openClient();
    const id = newId();
    client.send(buildBindingRequest(id), port, '127.0.0.1');
    const response = await client.response(id);
    expect(response.type).toBe(StunMessageType.BindingSuccessResponse);
    expect(response.fingerprint).toBe('valid');
    expect(getMappedAddress(response)).toEqual({ family: 'IPv4', address: '127.0.0.1', port: client.port });
    // No SOFTWARE by default: a reply adds as little as it can to its request (reflection, #12).
    expect(getStunAttribute(response, StunAttributeType.Software)).toBeUndefined();
    expect(response.attributes.at(-1)?.type).toBe(StunAttributeType.Fingerprint);
    expect(events).toEqual([{ from: '127.0.0.1', port: client.port, accepted: true }]);
    expect(errors).toEqual([]);
  });

  it('adds SOFTWARE only when asked to', async () => {
    for (const [software, expected] of [
      [true, 'handoff-lobby'],
      ['my-game', 'my-game'],
    ] as const) {
      const { server, port } = await startServer({ software });
      const client = await openClient();
      const id = newId();
      client.send(buildBindingRequest(id), port, '127.0.0.1');
      const response = await client.response(id);
      expect(decodeSoftware(getStunAttribute(response, StunAttributeType.Software)!)).toBe(expected);
      await server.stop();
    }
  });

  it('replies with no more than its request plus the mapped address (reflection, #12 row 11)', async () => {
    const { port } = await startServer({ software: false });
    const client = await openClient();
    // A bare 20-byte request: no FINGERPRINT echoed, 32 bytes back.
    const bare = buildBindingRequest(newId(), { fingerprint: false });
    expect(bare.byteLength).toBe(20);
    client.send(bare, port, '127.0.0.1');
    const response = await client.response(bare.subarray(8, 20));
    expect(response.attributes.map((a) => a.type)).toEqual([StunAttributeType.XorMappedAddress]);
    // A 28-byte request with FINGERPRINT (what ICE agents send): FINGERPRINT echoed, 40 bytes back.
    const withFingerprint = buildBindingRequest(newId());
    client.send(withFingerprint, port, '127.0.0.1');
    const second = await client.response(withFingerprint.subarray(8, 20));
    expect(second.attributes.map((a) => a.type)).toEqual([
      StunAttributeType.XorMappedAddress,
      StunAttributeType.Fingerprint,
    ]);
    // XOR-MAPPED-ADDRESS of an IPv4 client is 12 bytes: the least a Binding success can add.
    expect(client.received.map((bytes) => bytes.byteLength)).toEqual([
      bare.byteLength + 12,
      withFingerprint.byteLength + 12,
    ]);
  });

  it('ignores garbage and keeps answering good requests', async () => {
    const { port, events, errors } = await startServer();
    const client = await openClient();
    const good = buildBindingRequest(newId());
    const wrongCookie = good.slice();
    wrongCookie[5] = 0x13;
    const badFingerprint = good.slice();
    badFingerprint[good.length - 1] = badFingerprint[good.length - 1]! ^ 0x55;
    const indication = encodeStunMessage({ type: StunMessageType.BindingIndication, transactionId: newId() });
    const response = buildBindingSuccess({
      transactionId: newId(),
      address: { family: 'IPv4', address: '1.2.3.4', port: 5 },
    });
    const allocate = encodeStunMessage({ type: 0x0003, transactionId: newId() });
    const garbage: [string, Uint8Array][] = [
      ['empty', new Uint8Array(0)],
      ['random 1', new Uint8Array(randomBytes(1))],
      ['random 100', new Uint8Array(randomBytes(100))],
      ['truncated header', good.subarray(0, 12)],
      ['truncated request', good.subarray(0, 24)],
      ['wrong cookie', wrongCookie],
      ['bad fingerprint', badFingerprint],
      ['indication', indication],
      ['success response', response],
      ['TURN Allocate', allocate],
    ];
    for (let round = 0; round < 3; round++)
      for (const [, bytes] of garbage) client.send(bytes, port, '127.0.0.1');
    const id = newId();
    client.send(buildBindingRequest(id), port, '127.0.0.1');
    const answer = await client.response(id);
    expect(getMappedAddress(answer)?.port).toBe(client.port);
    await sleep(50);
    expect(client.received).toHaveLength(1);
    expect(events).toHaveLength(garbage.length * 3 + 1);
    const reasons = events.slice(0, garbage.length).map((e) => e.reason);
    expect(reasons).toEqual([
      'malformed',
      'malformed',
      'malformed',
      'malformed',
      'malformed',
      'malformed',
      'malformed',
      'not-binding',
      'not-binding',
      'not-binding',
    ]);
    expect(events.at(-1)).toEqual({ from: '127.0.0.1', port: client.port, accepted: true });
    expect(errors).toEqual([]);
  });

  it('answers 420 with UNKNOWN-ATTRIBUTES for an unknown comprehension-required attribute', async () => {
    const { port, events } = await startServer();
    const client = await openClient();
    const id = newId();
    const changeRequest = encodeStunMessage({
      type: StunMessageType.BindingRequest,
      transactionId: id,
      attributes: [{ type: StunAttributeType.ChangeRequest, value: Uint8Array.from([0, 0, 0, 6]) }],
    });
    client.send(changeRequest, port, '127.0.0.1');
    const response = await client.response(id);
    expect(response.messageClass).toBe(StunClass.ErrorResponse);
    expect(decodeErrorCode(getStunAttribute(response, StunAttributeType.ErrorCode)!).code).toBe(420);
    expect(decodeUnknownAttributes(getStunAttribute(response, StunAttributeType.UnknownAttributes)!)).toEqual(
      [StunAttributeType.ChangeRequest],
    );
    expect(events[0]).toMatchObject({ accepted: false, reason: 'unknown-attribute' });
  });

  it('rate-limits per source IP and refills over time', async () => {
    let now = 1_000;
    const { port, events } = await startServer({ maxRequestsPerSecondPerIp: 5, now: () => now });
    const client = await openClient();
    const ids = Array.from({ length: 20 }, newId);
    for (const id of ids) client.send(buildBindingRequest(id), port, '127.0.0.1');
    await client.response(ids[0]!);
    for (let i = 0; i < 100 && events.length < ids.length; i++) await sleep(10);
    await sleep(30);
    expect(events).toHaveLength(20);
    expect(events.filter((e) => e.accepted)).toHaveLength(5);
    expect(events.filter((e) => e.reason === 'rate-limited')).toHaveLength(15);
    expect(client.received).toHaveLength(5);

    now += 1_000; // a second later the bucket is full again
    const later = newId();
    client.send(buildBindingRequest(later), port, '127.0.0.1');
    expect((await client.response(later)).type).toBe(StunMessageType.BindingSuccessResponse);
  });

  it('survives a throwing onRequest hook (reported through onError)', async () => {
    const errors: Error[] = [];
    const server = createStunServer({
      port: 0,
      host: '127.0.0.1',
      onRequest: () => {
        throw new Error('hook failed');
      },
      onError: (error) => errors.push(error),
    });
    servers.push(server);
    const { port } = await server.start();
    const client = await openClient();
    for (let i = 0; i < 2; i++) {
      const id = newId();
      client.send(buildBindingRequest(id), port, '127.0.0.1');
      await client.response(id);
    }
    expect(errors.map((e) => e.message)).toEqual(['hook failed', 'hook failed']);
  });

  it('rejects start() on a busy port, and stops and restarts cleanly', async () => {
    const { server, port } = await startServer();
    const clash = createStunServer({ port, host: '127.0.0.1' });
    await expect(clash.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(clash.address()).toBeUndefined();
    await clash.stop();

    await server.stop();
    await server.stop();
    expect(server.address()).toBeUndefined();
    const again = await server.start();
    expect(await server.start()).toEqual(again);
    const client = await openClient();
    const id = newId();
    client.send(buildBindingRequest(id), again.port, '127.0.0.1');
    expect(getMappedAddress(await client.response(id))?.address).toBe('127.0.0.1');
  });

  it('validates its options', () => {
    expect(() => createStunServer({ port: 70_000 })).toThrow(/port/);
    expect(() => createStunServer({ maxRequestsPerSecondPerIp: 0 })).toThrow(/maxRequestsPerSecondPerIp/);
    expect(() => createStunServer({ software: 'x'.repeat(200) })).toThrow(/SOFTWARE/);
    expect(() => createStunServer({ maxTrackedIps: 0 })).toThrow(/maxTrackedIps/);
  });
});

describe('STUN server over IPv6', () => {
  it.skipIf(!ipv6)('maps a ::1 client to its IPv6 address', async () => {
    const { port } = await startServer({ host: '::1' });
    const client = await openClient('udp6', '::1');
    const id = newId();
    client.send(buildBindingRequest(id), port, '::1');
    expect(getMappedAddress(await client.response(id))).toEqual({
      family: 'IPv6',
      address: '::1',
      port: client.port,
    });
  });

  it.skipIf(!ipv6)('a dual-stack socket answers an IPv4 client with an IPv4 XOR-MAPPED-ADDRESS', async () => {
    const { port, events } = await startServer({ host: '::' });
    const client = await openClient();
    const id = newId();
    client.send(buildBindingRequest(id), port, '127.0.0.1');
    expect(getMappedAddress(await client.response(id))).toEqual({
      family: 'IPv4',
      address: '127.0.0.1',
      port: client.port,
    });
    expect(events[0]?.from).toBe('127.0.0.1');
  });
});

/** Runs turnutils_stunclient and returns its output and the reflexive addresses it printed. */
async function turnutils(
  args: string[],
): Promise<{ output: string; mapped: { address: string; port: number }[] }> {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(TURNUTILS, args, { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`${TURNUTILS} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
  // Lines look like "0: : IPv4. UDP reflexive addr: 127.0.0.1:50885" (IPv6 unbracketed: "::1:44312").
  const mapped = [...output.matchAll(/UDP reflexive addr: (\S+):(\d+)/g)].map((m) => ({
    address: m[1]!,
    port: Number(m[2]),
  }));
  return { output, mapped };
}

describe('turnutils_stunclient (coturn) against the responder', () => {
  it.skipIf(!hasTurnutils)('reports 127.0.0.1 and the port the server saw', async () => {
    const { port, events } = await startServer();
    const { output, mapped } = await turnutils(['-p', String(port), '127.0.0.1']);
    console.info(`turnutils_stunclient output:\n${output.trim()}`);
    expect(mapped.length).toBeGreaterThan(0);
    const seen = events.find((e) => e.accepted);
    expect(seen).toBeDefined();
    for (const m of mapped) expect(m).toEqual({ address: '127.0.0.1', port: seen!.port });
    expect(events.every((e) => e.accepted)).toBe(true);
  });

  it.skipIf(!hasTurnutils || !ipv6)('reports ::1 through a dual-stack responder', async () => {
    const { port, events } = await startServer({ host: '::' });
    const { output, mapped } = await turnutils(['-p', String(port), '::1']);
    console.info(`turnutils_stunclient output:\n${output.trim()}`);
    expect(mapped.length).toBeGreaterThan(0);
    const seen = events.find((e) => e.accepted);
    for (const m of mapped) expect(m).toEqual({ address: '::1', port: seen!.port });
  });
});

describe('respondToStunDatagram (no socket)', () => {
  const source = { family: 'IPv4', address: '198.51.100.1', port: 4242 } as const;

  it('never throws on random or mutated datagrams, and every answer is well formed', () => {
    const good = buildBindingRequest(newId());
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 5_000; i++) {
      const bytes = i % 2 === 0 ? new Uint8Array(randomBytes(i % 80)) : good.slice();
      if (i % 2 === 1) bytes[i % bytes.length] = bytes[i % bytes.length]! ^ (1 + (i % 255));
      const outcome = respondToStunDatagram(bytes, source, 'x');
      const key = outcome.accepted ? 'accepted' : outcome.reason;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      // A flipped bit in FINGERPRINT's type can leave a valid request with an unknown optional attribute
      // (and no FINGERPRINT, so none in the answer either).
      if (outcome.response !== undefined)
        expect(parseStunMessage(outcome.response).fingerprint).not.toBe('invalid');
    }
    expect(respondToStunDatagram(good, source, undefined).accepted).toBe(true);
    expect(outcomes.get('malformed')).toBeGreaterThan(2_500);
  });
});

describe('IpRateLimiter', () => {
  it('allows a burst, refills at the rate and evicts the least recently seen key', () => {
    const limiter = new IpRateLimiter({ ratePerSecond: 2, burst: 2, maxTrackedKeys: 2 });
    expect([limiter.tryTake('a', 0), limiter.tryTake('a', 0), limiter.tryTake('a', 0)]).toEqual([
      true,
      true,
      false,
    ]);
    expect(limiter.tryTake('a', 499)).toBe(false);
    expect(limiter.tryTake('a', 500)).toBe(true);
    expect(limiter.tryTake('b', 500)).toBe(true);
    expect(limiter.tryTake('a', 500)).toBe(false); // 'a' is now the most recently seen
    expect(limiter.tryTake('c', 500)).toBe(true); // evicts 'b'
    expect(limiter.size).toBe(2);
    expect(limiter.tryTake('a', 500)).toBe(false); // 'a' was kept, still empty
    expect(limiter.tryTake('b', 500)).toBe(true); // 'b' comes back with a full bucket
  });
});

describe("the lobby's STUN responder options (limits and SOFTWARE)", () => {
  it('stunSoftware and limits.maxStunRequestsPerSecondPerIp reach the responder', async () => {
    const { lobby } = await startLobby({
      stunPort: 0,
      stunSoftware: 'my-game',
      limits: { maxStunRequestsPerSecondPerIp: 3 },
    });
    try {
      const port = lobby.address()!.stunPort!;
      const client = await openClient();
      const ids = Array.from({ length: 6 }, () => newId());
      for (const id of ids) client.send(buildBindingRequest(id), port, '127.0.0.1');
      const first = await client.response(ids[0]!);
      expect(decodeSoftware(getStunAttribute(first, StunAttributeType.Software)!)).toBe('my-game');
      await sleep(200);
      // A burst of 3 answered, the rest dropped.
      expect(client.received.length).toBe(3);
    } finally {
      await lobby.stop(100);
    }
  });
});
