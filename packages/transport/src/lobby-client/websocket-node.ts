import WebSocket from 'ws';
import type { LobbySocketConstructor } from './websocket.js';

/**
 * The WebSocket the lobby client uses in Node: the global one where Node
 * has it (22+), else the `ws` package. (Browsers get websocket-browser.ts
 * through the `browser` condition of `#websocket`, so `ws` is never bundled.)
 */
export const DefaultWebSocket: LobbySocketConstructor =
  (globalThis as { WebSocket?: LobbySocketConstructor }).WebSocket ??
  (WebSocket as unknown as LobbySocketConstructor);
