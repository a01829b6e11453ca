import pino from 'pino';
import { createLobbyServer, type LobbyServer, type LobbyServerOptions } from '../../src/index.js';

/** Starts a lobby on a free loopback port, quiet and without STUN unless asked. */
export async function startLobby(
  options: LobbyServerOptions = {},
): Promise<{ lobby: LobbyServer; url: string }> {
  const lobby = createLobbyServer({
    port: 0,
    host: '127.0.0.1',
    stunPort: false,
    logger: pino({ level: 'silent' }),
    ...options,
  });
  const { port } = await lobby.start();
  return { lobby, url: `ws://127.0.0.1:${port}/` };
}
