import type { LobbySocketConstructor } from './websocket.js';

/** The browser's own WebSocket. */
export const DefaultWebSocket: LobbySocketConstructor | undefined = (
  globalThis as unknown as { WebSocket: LobbySocketConstructor }
).WebSocket;
