/** The subset of the W3C `WebSocket` the lobby client uses; browsers' and `ws`'s both fit. */
export interface LobbySocket {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/** A constructor of {@link LobbySocket}s (the global `WebSocket`, `ws`, or your own). */
export type LobbySocketConstructor = new (url: string) => LobbySocket;

/** `readyState` of an open socket. */
export const SOCKET_OPEN = 1;
