import { createPositionCodec, type EntityState } from '@handoff/protocol';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createLobbyServer, type LobbyServer } from '../../lobby/src/index.js';
import { connect, defineChannels, type LobbyClient, positionChannel, type Room } from '../src/index.js';
import { waitFor } from './support/helpers.js';

const positions = createPositionCodec({ yaw: true });
const channels = defineChannels<{ pos: EntityState[] }>({ pos: positionChannel(positions) });

describe('position channels', () => {
  let lobby: LobbyServer;
  const clients: LobbyClient<{ pos: EntityState[] }>[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await lobby.stop(200);
  });

  it('delta-codes snapshots per peer against acknowledged baselines, exact to the grid, under 20% loss', async () => {
    lobby = createLobbyServer({
      port: 0,
      host: '127.0.0.1',
      stunPort: false,
      logger: pino({ level: 'silent' }),
    });
    const { port } = await lobby.start();
    const url = `ws://127.0.0.1:${port}/`;
    const rooms: Room<{ pos: EntityState[] }>[] = [];
    for (let i = 0; i < 2; i++) {
      const client = await connect(url, {
        channels,
        room: { direct: 'never', conditioner: { relay: { loss: 0.2 } } },
      });
      clients.push(client);
      rooms.push(
        i === 0
          ? await client.createRoom({ name: 'R', capacity: 2, visibility: 'public' })
          : await client.joinRoom({ roomId: rooms[0]!.id }),
      );
    }
    const [alice, bob] = rooms as [Room<{ pos: EntityState[] }>, Room<{ pos: EntityState[] }>];
    await waitFor(() => alice.peers.size === 1);
    const errors: string[] = [];
    bob.on('message:error', (event) => errors.push(event.error.name));
    const seen: { tick: number; sequence: number | undefined; entities: EntityState[] }[] = [];
    bob.on('message', (event) =>
      seen.push({ tick: event.message[0]!.x, sequence: event.sequence, entities: event.message }),
    );
    const world = (tick: number): EntityState[] =>
      Array.from({ length: 32 }, (_, id) => ({
        id,
        x: tick,
        y: 0,
        z: id * 3 + Math.sin(tick / 10),
        yaw: (tick / 20) % 6,
      }));
    for (let tick = 1; tick <= 60; tick++) {
      alice.broadcast('pos', world(tick));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(errors).toEqual([]);
    expect(seen.length).toBeGreaterThan(20); // about 80% of 60
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.tick).toBeGreaterThan(seen[i - 1]!.tick); // never backwards
    // The sender's snapshot sequence comes with each message: one per snapshot sent, from 0.
    for (const each of seen) expect(each.sequence).toBe(each.tick - 1);
    const last = seen.at(-1)!;
    const truth = world(last.tick);
    for (const entity of last.entities) {
      const expected = truth[entity.id]!;
      expect(Math.abs(entity.z! - expected.z!)).toBeLessThanOrEqual(1 / 1024 + 1e-9);
    }
    // Deltas against acknowledged baselines: far below the ~300 bytes of a full 32-entity snapshot.
    const sent = alice.stats(bob.me.id).traffic.relay;
    expect(sent.bytesOut / sent.datagramsOut).toBeLessThan(220);
  });

  it('survives a one-way ack stall with late arrivals: no decode failure, the stream never breaks (#18)', async () => {
    lobby = createLobbyServer({
      port: 0,
      host: '127.0.0.1',
      stunPort: false,
      logger: pino({ level: 'silent' }),
    });
    const { port } = await lobby.start();
    const url = `ws://127.0.0.1:${port}/`;
    const rooms: Room<{ pos: EntityState[] }>[] = [];
    for (let i = 0; i < 2; i++) {
      // Jitter of 60 ms on a 2 ms path reorders: snapshots arrive after newer ones (the stale path).
      const client = await connect(url, {
        channels,
        room: { direct: 'never', conditioner: { relay: { latencyMs: 2, jitterMs: 60 }, seed: 18 + i } },
      });
      clients.push(client);
      rooms.push(
        i === 0
          ? await client.createRoom({ name: 'R', capacity: 2, visibility: 'public' })
          : await client.joinRoom({ roomId: rooms[0]!.id }),
      );
    }
    const [alice, bob] = rooms as [Room<{ pos: EntityState[] }>, Room<{ pos: EntityState[] }>];
    await waitFor(() => alice.peers.size === 1);
    const errors: string[] = [];
    bob.on('message:error', (event) => errors.push(event.error.message));
    let received = 0;
    bob.on('message', () => received++);
    const world = (tick: number): EntityState[] => [{ id: 1, x: tick % 1000, y: tick % 7, z: 0, yaw: 0 }];
    let tick = 0;
    const send = setInterval(() => {
      alice.broadcast('pos', world(tick));
      bob.broadcast('pos', world(tick));
      tick++;
    }, 30);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // Bob's acknowledgements stop for about as long as Alice's 32-snapshot history lasts (the
      // dangerous case: her baseline is the oldest one Bob may still hold) while her snapshots still
      // arrive, late ones included. Several stalls of slightly different lengths to hit it.
      for (const stallMs of [900, 930, 960, 990, 1020]) {
        bob.conditioner = { relay: { loss: 1 } };
        await new Promise((resolve) => setTimeout(resolve, stallMs));
        bob.conditioner = { relay: { latencyMs: 2, jitterMs: 60 }, seed: stallMs };
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      const before = received;
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(received - before).toBeGreaterThan(50); // the stream flows again after the stall
    } finally {
      clearInterval(send);
    }
    expect(errors).toEqual([]);
    expect(bob.stats(alice.me.id).positionDecodeFailures).toBe(0);
    expect(bob.stats(alice.me.id).session.staleMessagesDropped).toBeGreaterThan(0); // late arrivals did happen
  });
});
