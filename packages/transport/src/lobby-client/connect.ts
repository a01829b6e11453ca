import { DefaultWebSocket } from '#websocket';
import { type ConnectOptions, LobbyClient } from './lobby-client.js';

/**
 * Connects to a Handoff lobby and says hello. Resolves once welcomed;
 * rejects with `LobbyConnectionError` (unreachable, refused: see its
 * `closeCode`) or `OperationAbortedError` (`options.signal`).
 *
 * @example
 * ```ts
 * const lobby = await connect('wss://lobby.example.com', { name: 'Ada' });
 * const room = await lobby.quickJoin({}, { name: 'Arena', capacity: 8, visibility: 'public' });
 * ```
 */
export async function connect(url: string, options: ConnectOptions = {}): Promise<LobbyClient> {
  const client = new LobbyClient(url, options, options.WebSocket ?? DefaultWebSocket);
  await client.open();
  return client;
}
