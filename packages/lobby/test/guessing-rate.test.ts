import { decodeServerMessage, LobbyErrorCode } from '@handoff/protocol/lobby';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ClientConnection } from '../src/client-connection.js';
import { handleControl } from '../src/control-handler.js';
import { createLobbyServer } from '../src/index.js';
import { Player } from '../src/player.js';

/**
 * #12's targets for guessing, sustained rather than in a burst: one address
 * that opens a fresh player for every guess (as a reconnecting attacker
 * does), 100 guesses a second for ten simulated minutes, against the
 * lobby's control handler with its default limits and a simulated clock.
 */
describe('sustained guessing from one address (simulated clock, default limits)', () => {
  it('at most 1 wrong password and 1 unknown code a second, however many players the address opens', () => {
    const lobby = createLobbyServer({ port: 0, stunPort: false, logger: pino({ level: 'silent' }) });
    const state = lobby.state;
    const answers = new Map<number, number>();
    let sequence = 0;
    const player = (ip: string, now: number): Player => {
      sequence++;
      const fresh = new Player(`g${sequence}`, 'g', undefined, `t${sequence}`, lobby.limits, now);
      const connection = {
        ip,
        send(frame: Uint8Array): void {
          const message = decodeServerMessage(frame);
          const code = message.type === 'error' ? message.code : -1;
          answers.set(code, (answers.get(code) ?? 0) + 1);
        },
      };
      fresh.connection = connection as unknown as ClientConnection;
      state.register(fresh);
      return fresh;
    };
    const ownerAt = 0;
    const owner = player('198.51.100.1', ownerAt);
    handleControl(
      state,
      owner,
      {
        type: 'room:create',
        requestId: 1,
        name: 'locked',
        capacity: 4,
        visibility: 'private',
        password: 'pw',
      },
      ownerAt,
    );
    const room = [...state.rooms.values()][0]!;
    answers.clear();

    const MINUTES = 10;
    const wrong = { passwords: 0, codes: 0 };
    for (let t = 1; t <= MINUTES * 60_000; t += 10) {
      const guesser = player('203.0.113.66', t);
      const before = answers.get(LobbyErrorCode.WrongPassword) ?? 0;
      handleControl(
        state,
        guesser,
        { type: 'room:join', requestId: 2, roomId: room.id, password: `g${t}` },
        t,
      );
      wrong.passwords += (answers.get(LobbyErrorCode.WrongPassword) ?? 0) - before;
      const beforeCodes = answers.get(LobbyErrorCode.RoomNotFound) ?? 0;
      handleControl(state, guesser, { type: 'room:join', requestId: 3, code: 'ZZZZZZZZ' }, t + 5);
      wrong.codes += (answers.get(LobbyErrorCode.RoomNotFound) ?? 0) - beforeCodes;
      state.players.delete(guesser.id);
    }
    const seconds = MINUTES * 60;
    console.log(
      `sustained guessing, ${seconds} s at 100 guesses/s each: ${wrong.passwords} wrong-password answers ` +
        `(${(wrong.passwords / seconds).toFixed(2)}/s), ${wrong.codes} unknown-code answers ` +
        `(${(wrong.codes / seconds).toFixed(2)}/s); RateLimited ${answers.get(LobbyErrorCode.RateLimited) ?? 0}`,
    );
    // Default per-address budgets: 20 passwords and 30 codes a minute, after a burst of as many.
    expect(wrong.passwords).toBeLessThanOrEqual(20 + 20 * MINUTES + 1);
    expect(wrong.codes).toBeLessThanOrEqual(30 + 30 * MINUTES + 1);
    expect(wrong.passwords / seconds).toBeLessThanOrEqual(1);
    expect(wrong.codes / seconds).toBeLessThanOrEqual(1);
    // The limit is what stopped them (each guess got an answer), not something else.
    expect(answers.get(LobbyErrorCode.RateLimited)).toBeGreaterThan(100_000);
  });
});
