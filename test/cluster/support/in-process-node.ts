import { createLobbyServer, type LobbyServer, type LobbyServerOptions } from '@handoff/lobby';
import pino from 'pino';

/**
 * Starts a lobby in this process on a free loopback port, quiet and without
 * STUN: a cluster node over `redisUrl`, or a lone lobby when it is
 * undefined. `extra` adds or overrides options (limits, …).
 */
export async function startNode(
  redisUrl: string | undefined,
  nodeId: string,
  resumeSecret: string,
  extra: LobbyServerOptions = {},
): Promise<{ lobby: LobbyServer; url: string }> {
  const lobby = createLobbyServer({
    port: 0,
    host: '127.0.0.1',
    stunPort: false,
    logger: pino({ level: 'silent' }),
    resumeSecret,
    nodeId,
    ...(redisUrl === undefined ? {} : { redis: redisUrl }),
    ...extra,
  });
  const { port } = await lobby.start();
  return { lobby, url: `ws://127.0.0.1:${port}/` };
}

/** Waits until `condition()` holds, polling every 5 ms; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
