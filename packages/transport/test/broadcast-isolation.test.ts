import type { HandoffError } from '@handoff/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { DefaultChannels, Peer } from '../src/index.js';
import { waitFor } from './support/helpers.js';
import { LobbyFixture } from './support/lobby-fixture.js';

describe('broadcast isolates peers (real lobby and clients)', () => {
  let fixture: LobbyFixture;
  afterEach(() => fixture.stop());

  it('a peer that stops acknowledging is skipped and reported; the honest peer gets every chat message in order', async () => {
    fixture = await LobbyFixture.start();
    // Alice holds at most QUEUE unacknowledged reliable messages per peer. She sends 500 a second:
    // carol acknowledges within a round trip, so her queue never nears QUEUE (it would take 400 ms
    // of silence); bob never acknowledges, so his fills after QUEUE messages.
    const QUEUE = 200;
    const [alice, bob, carol] = await fixture.room<DefaultChannels>(3, () => ({
      room: { direct: 'never', session: { maxPendingReliableMessages: QUEUE } },
    }));
    // Bob freezes: everything he sends over the relay is dropped, acknowledgements included.
    // Alice's messages still reach him; she just never learns it, so her queue to him fills.
    bob!.conditioner = { relay: { loss: 1 } };
    const skipped: { peer: Peer; channel: string; error: HandoffError }[] = [];
    alice!.on('broadcast:skipped', (event) => skipped.push(event));
    const toCarol: string[] = [];
    const toBob: string[] = [];
    carol!.on('message', (event) => toCarol.push(event.message.text));
    bob!.on('message', (event) => toBob.push(event.message.text));

    const TOTAL = 600;
    for (let i = 0; i < TOTAL; i++) {
      alice!.broadcast('chat', { text: `m${i}` }); // never throws: bob (first in the room) is skipped
      if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await waitFor(() => toCarol.length >= TOTAL, 10_000).catch(() => undefined);

    // Only bob was skipped: every message after his queue filled, each reported.
    expect(new Set(skipped.map((event) => event.peer.id))).toEqual(new Set([bob!.me.id]));
    expect(skipped).toHaveLength(TOTAL - QUEUE);
    expect(skipped.every((event) => event.channel === 'chat')).toBe(true);
    expect(skipped[0]!.error.name).toBe('SendQueueFullError');
    // Carol got all of it, in order.
    expect(toCarol).toEqual(Array.from({ length: TOTAL }, (_, i) => `m${i}`));
    // Bob got what fit in his queue, then nothing.
    await waitFor(() => toBob.length >= QUEUE);
    expect(toBob).toEqual(Array.from({ length: QUEUE }, (_, i) => `m${i}`));
    // Sending to the frozen peer alone still throws: the caller asked for that one peer.
    expect(() => alice!.send(bob!.me.id, 'chat', { text: 'one more' })).toThrow(
      expect.objectContaining({ name: 'SendQueueFullError' }),
    );
  });

  it('a message the codec refuses throws from broadcast and reaches no peer', async () => {
    fixture = await LobbyFixture.start();
    const [alice, bob, carol] = await fixture.room<DefaultChannels>(3, () => ({ room: { direct: 'never' } }));
    const heard: string[] = [];
    for (const room of [bob!, carol!]) room.on('message', (event) => heard.push(event.message.text));
    const skipped: unknown[] = [];
    alice!.on('broadcast:skipped', (event) => skipped.push(event));
    expect(() => alice!.broadcast('chat', { text: 'x'.repeat(100_000) })).toThrow(
      expect.objectContaining({ name: 'InvalidMessageError' }),
    );
    alice!.broadcast('chat', { text: 'fine' });
    await waitFor(() => heard.length === 2);
    expect(heard).toEqual(['fine', 'fine']);
    expect(skipped).toEqual([]);
  });
});
