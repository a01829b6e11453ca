import { afterEach, describe, expect, it } from 'vitest';
import { connect, type LobbyClient } from '../src/index.js';
import { waitFor } from './support/helpers.js';
import { LobbyFixture } from './support/lobby-fixture.js';

describe('players joining at the same moment (real lobby)', () => {
  let fixture: LobbyFixture;
  const clients: LobbyClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await fixture.stop();
  });

  it('every joiner sees every other, even when its room:joined and the next presence:join arrive in one read', async () => {
    fixture = await LobbyFixture.start();
    for (let i = 0; i < 6; i++)
      clients.push(await connect(fixture.url, { name: `p${i}`, room: { direct: 'never' } }));
    const first = await clients[0]!.createRoom({ name: 'r', capacity: 6, visibility: 'public' });
    // Five joins in flight at once: the lobby answers one and announces it to the others in the same turn.
    const rooms = [
      first,
      ...(await Promise.all(clients.slice(1).map((client) => client.joinRoom({ code: first.code })))),
    ];
    await waitFor(() => rooms.every((room) => room.peers.size === 5), 2000).catch(() => undefined);
    expect(rooms.map((room) => room.peers.size)).toEqual([5, 5, 5, 5, 5, 5]);
  });
});
