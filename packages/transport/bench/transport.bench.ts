/**
 * Transport: Handoff's client against the raw pieces it is built on, side by
 * side in one run — time to first message and time to direct over fresh
 * pairs; direct-path RTT and throughput against raw node-datachannel;
 * relay-path RTT against raw `ws` round trips. One in-process lobby.
 */
import type { BenchSuite, BenchTable } from '../../../bench/harness.js';
import { FULL_CONFIG, QUICK_CONFIG } from './bench-config.js';
import { withCleanup } from './cleanup.js';
import { measureConnectTimes } from './connect-times.js';
import { measureDirectPath } from './direct-path.js';
import { startBenchLobby } from './handoff-fixture.js';
import { measureRelayPath } from './relay-path.js';
import { connectTable, directRttTable, directThroughputTable, relayRttTable } from './tables.js';

/** The transport benchmark suite. */
const suite: BenchSuite = ({ quick }) => {
  const config = quick ? QUICK_CONFIG : FULL_CONFIG;
  return withCleanup(async (cleanup): Promise<BenchTable[]> => {
    const url = await startBenchLobby(cleanup);
    const times = await measureConnectTimes(url, config.pairs);
    const direct = await measureDirectPath(url, config);
    const relay = await measureRelayPath(url, config);
    return [
      connectTable(times),
      directRttTable(direct, config),
      directThroughputTable(direct, config),
      relayRttTable(relay, config),
    ];
  });
};

export default suite;
