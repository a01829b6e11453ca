import { DefaultWebSocket } from '#websocket';
import { type ConnectOptions, type DefaultChannels, LobbyClient } from './lobby-client.js';

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
export async function connect<M = DefaultChannels>(
  url: string,
  options: ConnectOptions<M> = {},
): Promise<LobbyClient<M>> {
  const client = new LobbyClient<M>(url, options, options.WebSocket ?? DefaultWebSocket);
  await client.open();
  return client;
}
