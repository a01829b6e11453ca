/**
 * Bench child: the real Handoff lobby on a loopback port. Run as
 * `node --expose-gc --import tsx handoff-lobby-server.ts [options]`; see
 * child-control.ts. Options:
 *
 * - `--limits default` (the real-SDK workloads): the lobby's default limits,
 *   untouched. Otherwise (the synthetic workloads) limits are raised so rate
 *   limits and the slow-consumer cap do not shape a load test of clients
 *   that do not pace themselves.
 * - `--relay-flush-window-ms <ms>`: the lobby's `relayFlushWindowMs`.
 * - `--admin-token <token>`: the lobby's `adminToken` (admin API and monitor on).
 * - `--redis <url>`: run as a node of a lobby cluster over that Redis (#13).
 */
import { parseArgs } from 'node:util';
import { createLobbyServer, type LobbyServerOptions } from '../../src/index.js';
import { runControlLoop } from './child-control.js';

const { values } = parseArgs({
  options: {
    limits: { type: 'string' },
    'relay-flush-window-ms': { type: 'string' },
    'admin-token': { type: 'string' },
    redis: { type: 'string' },
  },
});

const RAISED_LIMITS: LobbyServerOptions['limits'] = {
  maxMessagesPerSecond: 1e6,
  maxBytesPerSecond: 1e9,
  maxConnectionsPerIp: 100_000,
  maxMembersPerRoom: 64,
  maxRoomsCreatedPerMinute: 1e6,
  maxSendQueueBytes: 64 * 1024 * 1024,
};

const window = values['relay-flush-window-ms'];
const lobby = createLobbyServer({
  port: 0,
  host: '127.0.0.1',
  stunPort: false,
  logLevel: 'silent',
  ...(values.limits === 'default' ? {} : { limits: RAISED_LIMITS }),
  ...(window === undefined ? {} : { relayFlushWindowMs: Number(window) }),
  ...(values['admin-token'] === undefined ? {} : { adminToken: values['admin-token'] }),
  ...(values.redis === undefined
    ? {}
    : {
        redis: values.redis,
        nodeId: `bench-${process.pid}`,
        resumeSecret: 'relay-bench-cluster-secret-0123',
      }),
});
const { port } = await lobby.start();
runControlLoop({ port, stop: () => lobby.stop(1000) });
