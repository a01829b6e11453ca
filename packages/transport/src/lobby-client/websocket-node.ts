import type { LobbySocketConstructor } from './websocket.js';

/**
 * The WebSocket the lobby client uses in Node: the global one where Node
 * has it (22+), else the `ws` package, an optional peer dependency that
 * only Node 20 needs (`undefined` when it is not installed: `connect` then
 * rejects with `WebSocketUnavailableError`). Browsers get
 * websocket-browser.ts through the `browser` condition of `#websocket`, so
 * `ws` is never bundled.
 */
export const DefaultWebSocket: LobbySocketConstructor | undefined =
  (globalThis as { WebSocket?: LobbySocketConstructor }).WebSocket ?? (await loadWs());

async function loadWs(): Promise<LobbySocketConstructor | undefined> {
  try {
    const ws = await import('ws');
    return ws.default as unknown as LobbySocketConstructor;
  } catch {
    return undefined;
  }
}
