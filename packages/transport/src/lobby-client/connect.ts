import { DefaultWebSocket } from '#websocket';
import { WebSocketUnavailableError } from './errors.js';
import { type ConnectOptions, type DefaultChannels, LobbyClient } from './lobby-client.js';

/**
 * Connects to a Handoff lobby and says hello. Resolves once welcomed;
 * rejects with `LobbyConnectionError` (unreachable, refused: see its
 * `closeCode`), `OperationAbortedError` (`options.signal`) or, on Node 20
 * without the `ws` package, `WebSocketUnavailableError`.
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
  const WebSocketImpl = options.WebSocket ?? DefaultWebSocket;
  if (WebSocketImpl === undefined)
    throw new WebSocketUnavailableError(
      "no WebSocket in this runtime: Node 20 needs the 'ws' package (npm install ws), or pass options.WebSocket",
      'ws',
    );
  const client = new LobbyClient<M>(url, options, WebSocketImpl);
  await client.open();
  return client;
}
