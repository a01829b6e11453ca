/**
 * The attacks of issue #12 as code the hardening test and the hardening
 * bench share: the test runs each for a fixed number of rounds and asserts
 * what the lobby answered; the bench keeps each going for a fixed time while
 * it measures the calm room beside it. Each attack comes from a loopback
 * address of its own, so per-address limits are what it meets.
 */
import { type Socket, connect as tcpConnect } from 'node:net';
import { LobbyErrorCode, type ServerMessage } from '@handoff/protocol/lobby';
import { type Outgoing, RawClient } from '../../../packages/lobby/test/support/raw-client.js';

/** Whether an attack goes on with round `round` (0, 1, ...). */
export type KeepGoing = (round: number) => boolean;

/** Exactly `count` rounds. */
export const rounds =
  (count: number): KeepGoing =>
  (round) =>
    round < count;

/** Rounds until `deadline` (a `performance.now()` time), however many fit. */
export const until =
  (deadline: number): KeepGoing =>
  () =>
    performance.now() < deadline;

/** An attack under way. */
export interface AttackRun<K extends string> {
  /** What the lobby answered so far, by outcome; live while the attack runs. */
  readonly tally: Record<K, number>;
  /** Settles once the attack stopped and every connection it opened is closed. */
  readonly done: Promise<void>;
}

/** One attack of #12, aimed at a lobby by URL. */
export interface Attack<K extends string = string> {
  /** Name, as the test and the bench tables print it. */
  readonly name: string;
  /** The loopback address it comes from (one per attack) unless `start` is given another. */
  readonly address: string;
  /** What one round is, for the bench's notes. */
  readonly round: string;
  /** The outcomes that count one request (or socket) each: the bench's attempts per second. */
  readonly attempts: readonly K[];
  /** Starts the attack from `from` (default {@link address}). */
  start(url: string, keepGoing: KeepGoing, from?: string): AttackRun<K>;
}

/** A player welcomed by the lobby, connected from `address`. */
export async function playerFrom(url: string, address: string, name: string): Promise<RawClient> {
  const client = await RawClient.open(url, { localAddress: address });
  await client.hello(name);
  return client;
}

/**
 * Requests one attacking connection sends per second at most. The lobby
 * drops a connection's frames past `maxMessagesPerSecond` (300, bursts of
 * 600) unanswered and closes one that keeps going: an attacker who wants
 * answers stays under it and opens more connections instead.
 */
const REQUESTS_PER_SECOND = 250;

/** `client.request`, paced to {@link REQUESTS_PER_SECOND} (the first request goes at once). */
function paced(client: RawClient): (message: Outgoing) => Promise<ServerMessage> {
  let next = 0;
  return async (message) => {
    const wait = next - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    next = Math.max(next, performance.now()) + 1000 / REQUESTS_PER_SECOND;
    return client.request(message);
  };
}

/** The error code of an answer, or -1 when it is not an error. */
export const errorCode = (message: ServerMessage): number => (message.type === 'error' ? message.code : -1);

/** Starts `body` with a fresh tally; the run's `done` settles when `body` does. */
function run<K extends string>(
  outcomes: readonly K[],
  body: (tally: Record<K, number>) => Promise<void>,
): AttackRun<K> {
  const tally = Object.fromEntries(outcomes.map((outcome) => [outcome, 0])) as Record<K, number>;
  return { tally, done: body(tally) };
}

/**
 * Row 1: 16 players from one address create a room and leave it, all at
 * once, round after round. Outcomes: `created`, `refused` (TooManyRooms),
 * `other` (any other answer, or a connection the lobby closed).
 */
export const roomTableExhaustion: Attack<'created' | 'refused' | 'other'> = {
  name: 'room-table exhaustion',
  address: '127.0.0.2',
  round: '16 players at once each create a room (and leave it when created)',
  attempts: ['created', 'refused', 'other'],
  start: (url, keepGoing, from = roomTableExhaustion.address) =>
    run(['created', 'refused', 'other'], async (tally) => {
      const attackers = await Promise.all(
        Array.from({ length: 16 }, (_, i) => playerFrom(url, from, `a${i}`)),
      );
      const asks = attackers.map(paced);
      try {
        for (let round = 0; keepGoing(round); round++) {
          await Promise.all(
            asks.map(async (ask) => {
              const reply = await ask({
                type: 'room:create',
                name: 'x',
                capacity: 2,
                visibility: 'public',
              }).catch(() => undefined); // closed by the lobby: counted below
              if (reply?.type === 'room:joined') {
                tally.created++;
                await ask({ type: 'room:leave' });
              } else if (reply !== undefined && errorCode(reply) === LobbyErrorCode.TooManyRooms)
                tally.refused++;
              else tally.other++;
            }),
          );
          // A closed attacker would fail every request at once: the test fails on it, the bench reports it.
          if (attackers.some((attacker) => attacker.closeCode !== undefined)) break;
        }
      } finally {
        await closeAll(attackers);
      }
    }),
};

/** A password room to guess at, created by an honest player from 127.0.0.1. */
export async function lockedRoom(
  url: string,
): Promise<{ owner: RawClient; roomId: string; password: string }> {
  const owner = await playerFrom(url, '127.0.0.1', 'owner');
  const password = 'hunter2';
  const room = await owner.createRoom({ name: 'locked', capacity: 4, visibility: 'public', password });
  return { owner, roomId: room.room.id, password };
}

/**
 * Row 2: a fresh player for every 5 guesses at a room's password (the
 * per-player budget renews for free; the address's does not). Outcomes:
 * `wrong` (WrongPassword: a guess compared), `limited` (RateLimited), `other`.
 */
export function passwordGuessing(roomId: string): Attack<'wrong' | 'limited' | 'other'> {
  const address = '127.0.0.3';
  return {
    name: 'password brute force',
    address,
    round: 'a new player connects, guesses 5 passwords one after another, disconnects',
    attempts: ['wrong', 'limited', 'other'],
    start: (url, keepGoing, from = address) =>
      run(['wrong', 'limited', 'other'], async (tally) => {
        for (let i = 0; keepGoing(i); i++) {
          const guesser = await playerFrom(url, from, `g${i}`);
          const ask = paced(guesser);
          try {
            for (let j = 0; j < 5; j++) {
              const reply = await ask({ type: 'room:join', roomId, password: `guess${i}-${j}` });
              const code = errorCode(reply);
              if (code === LobbyErrorCode.WrongPassword) tally.wrong++;
              else if (code === LobbyErrorCode.RateLimited) tally.limited++;
              else tally.other++;
            }
          } finally {
            await closeAll([guesser]);
          }
        }
      }),
  };
}

/**
 * Row 4: a fresh player for every 10 guessed join codes. Outcomes:
 * `notFound` (RoomNotFound: a code looked up), `limited` (RateLimited), `other`.
 */
export const joinCodeEnumeration: Attack<'notFound' | 'limited' | 'other'> = {
  name: 'join-code enumeration',
  address: '127.0.0.4',
  round: 'a new player connects, tries 10 join codes one after another, disconnects',
  attempts: ['notFound', 'limited', 'other'],
  start: (url, keepGoing, from = joinCodeEnumeration.address) =>
    run(['notFound', 'limited', 'other'], async (tally) => {
      for (let i = 0; keepGoing(i); i++) {
        const guesser = await playerFrom(url, from, `c${i}`);
        const ask = paced(guesser);
        try {
          for (let j = 0; j < 10; j++) {
            const reply = await ask({ type: 'room:join', code: `ZZZZ${i}${j}AB`.slice(0, 8) });
            const code = errorCode(reply);
            if (code === LobbyErrorCode.RoomNotFound) tally.notFound++;
            else if (code === LobbyErrorCode.RateLimited) tally.limited++;
            else tally.other++;
          }
        } finally {
          await closeAll([guesser]);
        }
      }
    }),
};

/**
 * Row 5: 4 players from one address ask for the room list (100 rooms a
 * page), one after another, round after round. Outcomes: `answered` (with
 * `rooms` received and the lobby's `total`), `limited` (RateLimited), `other`;
 * `oversized` counts answers of more than 100 rooms.
 */
export const roomListAmplification: Attack<
  'answered' | 'rooms' | 'total' | 'oversized' | 'limited' | 'other'
> = {
  name: 'room:list amplification',
  address: '127.0.0.5',
  round: '4 players each ask for the first 100 rooms, one after another',
  attempts: ['answered', 'limited', 'other'],
  start: (url, keepGoing, from = roomListAmplification.address) =>
    run(['answered', 'rooms', 'total', 'oversized', 'limited', 'other'], async (tally) => {
      const listers = await Promise.all([0, 1, 2, 3].map((i) => playerFrom(url, from, `lister${i}`)));
      const asks = listers.map(paced);
      try {
        for (let round = 0; keepGoing(round); round++) {
          for (const ask of asks) {
            const reply = await ask({ type: 'room:list', limit: 100 });
            if (reply.type === 'room:list-result') {
              tally.answered++;
              tally.rooms += reply.rooms.length;
              tally.total = reply.total ?? 0;
              if (reply.rooms.length > 100) tally.oversized++;
            } else if (errorCode(reply) === LobbyErrorCode.RateLimited) tally.limited++;
            else tally.other++;
          }
        }
      } finally {
        await closeAll(listers);
      }
    }),
};

/**
 * 200 TCP connections from one address that start an HTTP request and never
 * finish its headers. While `keepGoing(n)` holds, a socket the lobby closed
 * (refused at once, or at its headers timeout) is replaced by the n-th new
 * one `replaceAfterMs` later; `rounds(0)` opens one wave only. Outcomes:
 * `opened`, `open` (now), `closed` (by the lobby).
 */
function unfinishedHeaders(
  name: string,
  address: string,
  replaceAfterMs: number,
  round: string,
): Attack<'opened' | 'open' | 'closed'> {
  return {
    name,
    address,
    round,
    attempts: ['opened'],
    start: (url, keepGoing, from = address) =>
      run(['opened', 'open', 'closed'], (tally) => {
        const port = Number(new URL(url).port);
        let replacements = 0;
        let waiting = 0;
        return new Promise<void>((resolve) => {
          const open = (): void => {
            const socket: Socket = tcpConnect({ port, host: '127.0.0.1', localAddress: from });
            tally.opened++;
            tally.open++;
            socket.on('error', () => {});
            // Read (and drop) what the lobby answers, e.g. a 408 at its headers timeout: unread, it
            // would hold back the end of the stream and the socket would stay half-closed.
            socket.resume();
            socket.on('close', () => {
              tally.open--;
              tally.closed++;
              if (keepGoing(replacements)) {
                replacements++;
                waiting++;
                setTimeout(() => {
                  waiting--;
                  open();
                }, replaceAfterMs);
              } else if (tally.open === 0 && waiting === 0) resolve();
            });
            socket.write('GET / HTTP/1.1\r\nHost: x\r\n'); // never finishes its headers
          };
          for (let i = 0; i < 200; i++) open();
        });
      }),
  };
}

/**
 * Row 6, slowloris: 200 sockets with unfinished headers; the attacker wants
 * to hold sockets, so it replaces each one the lobby closes a second later.
 */
export const slowloris = unfinishedHeaders(
  'slowloris',
  '127.0.0.6',
  1000,
  'a socket the lobby closed is replaced 1 s later (200 attempts)',
);

/**
 * Slowloris turned connection flood: the same 200 sockets, each one the
 * lobby closes replaced at once, so refused connections come back as fast
 * as the lobby can refuse them.
 */
export const connectionFlood = unfinishedHeaders(
  'connection flood (slowloris reconnecting at once)',
  '127.0.0.7',
  0,
  'a socket the lobby closed is replaced at once (200 attempts open at all times)',
);

/** Closes clients and waits until each socket is closed (its address's connection count is given back). */
async function closeAll(clients: readonly RawClient[]): Promise<void> {
  for (const client of clients) client.close();
  await Promise.all(clients.map((client) => client.closed));
}
