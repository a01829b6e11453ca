/**
 * The direct path: a Handoff pair whose traffic is on its validated direct
 * link, against a raw node-datachannel pair — RTT and throughput, in turn.
 */
import type { TransportBenchConfig } from './bench-config.js';
import { withCleanup } from './cleanup.js';
import { type Contender, type RunsByName, rttRuns, throughputRuns } from './contenders.js';
import { openRoomPair, roomDuplex } from './handoff-fixture.js';
import type { PingPongResult } from './ping-pong.js';
import { openRawChannelPair } from './raw-datachannel.js';
import type { ThroughputResult } from './throughput.js';
import { waitFor } from './wait.js';

/** Row names of the direct-path tables. */
export const DIRECT_ROWS = {
  raw: 'raw node-datachannel (unordered, maxRetransmits 0)',
  unreliable: 'handoff room, unreliable channel',
  reliable: 'handoff room, reliable-ordered channel',
} as const;

/** Everything measured on the direct path. */
export interface DirectPathResults {
  rtt: RunsByName<PingPongResult>;
  throughput: RunsByName<ThroughputResult>;
  /** Bytes alice put on the direct path per throughput message sent (session framing + heartbeats). */
  handoffWireBytesPerMessage: number;
  /** Datagrams alice sent over the relay while measuring (0: everything went direct). */
  relayDatagramsWhileMeasuring: number;
  /** Bob's path at the end (must still be `direct`). */
  pathAtEnd: string;
}

/** Measures RTT then throughput on the direct path, Handoff vs raw, on the lobby at `url`. */
export function measureDirectPath(url: string, config: TransportBenchConfig): Promise<DirectPathResults> {
  return withCleanup(async (cleanup) => {
    const { alice, bob } = await openRoomPair(cleanup, url);
    await waitFor(
      () => alice.peers.get(bob.me.id)?.path === 'direct' && bob.peers.get(alice.me.id)?.path === 'direct',
      'the handoff pair going direct',
    );
    const raw = await openRawChannelPair(cleanup);
    const handoff = (channel: 'ping' | 'pingReliable' | 'blob', name: string): Contender => ({
      name,
      near: roomDuplex(alice, bob.me.id, channel),
      far: roomDuplex(bob, alice.me.id, channel),
    });
    const before = alice.stats(bob.me.id).traffic;
    const rtt = await rttRuns(
      [
        { name: DIRECT_ROWS.raw, near: raw.a, far: raw.b },
        handoff('ping', DIRECT_ROWS.unreliable),
        handoff('pingReliable', DIRECT_ROWS.reliable),
      ],
      config,
    );
    const directBytesBefore = alice.stats(bob.me.id).traffic.direct.bytesOut;
    const throughput = await throughputRuns(
      [{ name: DIRECT_ROWS.raw, near: raw.a, far: raw.b }, handoff('blob', DIRECT_ROWS.unreliable)],
      config.repetitions,
      config.throughput,
    );
    const after = alice.stats(bob.me.id).traffic;
    const sent = (throughput.get(DIRECT_ROWS.unreliable) ?? []).reduce((sum, run) => sum + run.totalSent, 0);
    return {
      rtt,
      throughput,
      handoffWireBytesPerMessage: (after.direct.bytesOut - directBytesBefore) / Math.max(1, sent),
      relayDatagramsWhileMeasuring: after.relay.datagramsOut - before.relay.datagramsOut,
      pathAtEnd: alice.stats(bob.me.id).path,
    };
  });
}
