/**
 * Time to first message and time to direct over fresh pairs (a new pair of
 * clients and a new room per try, one lobby), and the raw floor: how long
 * two node-datachannel connections signaled in-process take to open.
 */
import { type Cleanup, withCleanup } from './cleanup.js';
import { openRoomPair } from './handoff-fixture.js';
import { openRawChannelPair } from './raw-datachannel.js';
import { waitFor, within } from './wait.js';

/** Per-try times, ms. */
export interface ConnectTimes {
  /** Bob's `joinRoom` resolved → bob's first chat message heard by alice (relay). */
  firstMessageMs: number[];
  /** `stats(bob).timeToDirectMs` on alice's side: bob known → direct link validated. */
  timeToDirectMs: number[];
  /** Raw node-datachannel pair: created → both ends open. */
  rawOpenMs: number[];
  /** Tries whose first message did not go over the relay (should be 0). */
  firstNotOnRelay: number;
}

async function onePair(cleanup: Cleanup, url: string, times: ConnectTimes): Promise<void> {
  let heard: Promise<number> | undefined;
  const pair = await openRoomPair(cleanup, url, {
    beforeJoin: (alice) => {
      heard = new Promise<number>((resolve) => alice.once('message', () => resolve(performance.now())));
    },
  });
  const { alice, bob, joinedAt } = pair;
  const aliceId = [...bob.peers.keys()][0];
  if (aliceId === undefined || heard === undefined)
    throw new Error('bench: bob does not know alice after joinRoom');
  bob.send(aliceId, 'chat', { text: 'hi' });
  const heardAt = await within(heard, 'the first message');
  times.firstMessageMs.push(heardAt - joinedAt);
  if (alice.stats(bob.me.id).traffic.relay.datagramsIn === 0) times.firstNotOnRelay++;
  await waitFor(() => alice.peers.get(bob.me.id)?.path === 'direct', 'a direct path');
  const toDirect = alice.stats(bob.me.id).timeToDirectMs;
  if (toDirect === undefined) throw new Error('bench: direct path without timeToDirectMs');
  times.timeToDirectMs.push(toDirect);
}

/** Measures `pairs` fresh Handoff pairs on the lobby at `url`, then `pairs` raw data channel pairs. */
export async function measureConnectTimes(url: string, pairs: number): Promise<ConnectTimes> {
  const times: ConnectTimes = { firstMessageMs: [], timeToDirectMs: [], rawOpenMs: [], firstNotOnRelay: 0 };
  // One untimed pair first: loads node-datachannel and warms the JIT for both contenders.
  await withCleanup((cleanup) => onePair(cleanup, url, { ...times, firstMessageMs: [], timeToDirectMs: [] }));
  await withCleanup((cleanup) => openRawChannelPair(cleanup));
  for (let i = 0; i < pairs; i++) {
    await withCleanup((cleanup) => onePair(cleanup, url, times));
    times.rawOpenMs.push(await withCleanup(async (cleanup) => (await openRawChannelPair(cleanup)).openMs));
  }
  return times;
}
