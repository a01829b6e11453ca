/**
 * Bench child: the real Handoff lobby on a loopback port, its limits raised
 * so rate limits and the slow-consumer cap do not shape a load test. Run as
 * `node --expose-gc --import tsx handoff-lobby-server.ts`; see child-control.ts.
 */
import { createLobbyServer } from '../../src/index.js';
import { runControlLoop } from './child-control.js';

const lobby = createLobbyServer({
  port: 0,
  host: '127.0.0.1',
  stunPort: false,
  logLevel: 'silent',
  limits: {
    maxMessagesPerSecond: 1e6,
    maxBytesPerSecond: 1e9,
    maxConnectionsPerIp: 100_000,
    maxMembersPerRoom: 64,
    maxRoomsCreatedPerMinute: 1e6,
    maxSendQueueBytes: 64 * 1024 * 1024,
  },
});
const { port } = await lobby.start();
runControlLoop({ port, stop: () => lobby.stop(1000) });
