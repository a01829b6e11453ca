/**
 * The relay path: a Handoff pair in privacy mode (`direct: 'never'`), whose
 * every datagram crosses the lobby, against raw `ws` round trips — an echo
 * server (one server hop per round trip) and a forwarding server (two hops,
 * the same shape as the relay's A → lobby → B → lobby → A).
 */
import type { TransportBenchConfig } from './bench-config.js';
import { withCleanup } from './cleanup.js';
import { type Contender, type RunsByName, rttRuns } from './contenders.js';
import { openRoomPair, roomDuplex } from './handoff-fixture.js';
import type { PingPongResult } from './ping-pong.js';
import { connectWs, startWsServer } from './ws-baselines.js';

/** Row names of the relay table. */
export const RELAY_ROWS = {
  echo: 'raw ws echo (client → server → client)',
  forward: 'raw ws forward (A → server → B → server → A)',
  unreliable: "handoff relay (direct: 'never'), unreliable channel",
  reliable: "handoff relay (direct: 'never'), reliable-ordered channel",
} as const;

/** Everything measured on the relay path. */
export interface RelayPathResults {
  rtt: RunsByName<PingPongResult>;
  /** Datagrams alice sent over a direct path (must be 0). */
  directDatagrams: number;
}

/** Measures relay RTT, Handoff vs raw ws, on the lobby at `url`. */
export function measureRelayPath(url: string, config: TransportBenchConfig): Promise<RelayPathResults> {
  return withCleanup(async (cleanup) => {
    const { alice, bob } = await openRoomPair(cleanup, url, { behaviour: { direct: 'never' } });
    const echoUrl = await startWsServer(cleanup, 'echo');
    const echoClient = await connectWs(cleanup, echoUrl);
    const forwardUrl = await startWsServer(cleanup, 'forward');
    const forwardA = await connectWs(cleanup, forwardUrl);
    const forwardB = await connectWs(cleanup, forwardUrl);
    const handoff = (channel: 'ping' | 'pingReliable', name: string): Contender => ({
      name,
      near: roomDuplex(alice, bob.me.id, channel),
      far: roomDuplex(bob, alice.me.id, channel),
    });
    // The echo server answers by itself: its far end hears nothing and echoes nothing.
    const silent = { send: () => undefined, listen: () => () => undefined };
    const rtt = await rttRuns(
      [
        { name: RELAY_ROWS.echo, near: echoClient, far: silent },
        { name: RELAY_ROWS.forward, near: forwardA, far: forwardB },
        handoff('ping', RELAY_ROWS.unreliable),
        handoff('pingReliable', RELAY_ROWS.reliable),
      ],
      config,
    );
    return { rtt, directDatagrams: alice.stats(bob.me.id).traffic.direct.datagramsOut };
  });
}
