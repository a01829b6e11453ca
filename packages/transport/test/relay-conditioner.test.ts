import { afterEach, describe, expect, it } from 'vitest';
import type { DefaultChannels, Room } from '../src/index.js';
import { waitFor } from './support/helpers.js';
import { LobbyFixture } from './support/lobby-fixture.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Chat from `from` to `to` every 10 ms while `during` runs: RTT samples and loss figures need traffic. */
async function chatter(from: Room<DefaultChannels>, to: Room<DefaultChannels>, during: Promise<void>) {
  let n = 0;
  const timer = setInterval(() => from.send(to.me.id, 'chat', { text: `tick ${n++}` }), 10);
  try {
    await during;
  } finally {
    clearInterval(timer);
  }
}

describe('link conditioner on the relay path (real lobby and clients)', () => {
  let fixture: LobbyFixture;
  afterEach(() => fixture.stop());

  it('adds its latency each way: the RTT of a relay-only pair rises by about 2 × latency', async () => {
    fixture = await LobbyFixture.start();
    const [alice, bob] = await fixture.room<DefaultChannels>(2, () => ({ room: { direct: 'never' } }));
    await chatter(alice!, bob!, sleep(500));
    const before = alice!.stats(bob!.me.id).session.rttMs;
    for (const room of [alice!, bob!]) room.conditioner = { relay: { latencyMs: 50 } };
    await chatter(alice!, bob!, sleep(2000));
    const after = alice!.stats(bob!.me.id).session.rttMs;
    console.log(`relay RTT: ${before.toFixed(1)} ms → ${after.toFixed(1)} ms with +50 ms each way`);
    expect(after - before).toBeGreaterThan(85);
    expect(after - before).toBeLessThan(150); // headroom for a loaded machine; one side only would be ≈ 50
    expect(alice!.stats(bob!.me.id).path).toBe('relay');
  });

  it('drops with its loss: the session sees loss and retransmits, and chat still arrives whole and in order', async () => {
    fixture = await LobbyFixture.start();
    const lossy = { relay: { loss: 0.3 }, seed: 11 };
    const [alice, bob] = await fixture.room<DefaultChannels>(2, () => ({
      room: { direct: 'never', conditioner: lossy },
    }));
    const received: string[] = [];
    bob!.on('message', (event) => received.push(event.message.text));
    for (let i = 0; i < 300; i++) {
      alice!.send(bob!.me.id, 'chat', { text: `m${i}` });
      if (i % 10 === 9) await sleep(10);
    }
    await waitFor(() => received.length >= 300, 10_000);
    expect(received).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`));
    const stats = alice!.stats(bob!.me.id);
    expect(stats.session.lossRate).toBeGreaterThan(0.1);
    expect(stats.session.retransmissions).toBeGreaterThan(0);
    // Lost datagrams were handed to the path all the same: the relay carried only part of them.
    const relayed = bob!.stats(alice!.me.id).traffic.relay.datagramsIn;
    expect(relayed).toBeLessThan(0.85 * stats.traffic.relay.datagramsOut);
  });
});
