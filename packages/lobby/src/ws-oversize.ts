import type { WebSocket } from 'ws';

/**
 * ws closes a connection whose message exceeds `maxPayload` with the
 * standard 1009 before the application hears of it. The Handoff schema
 * says 4004, so this rewrites the status code on the error object just
 * before ws reads it, by listening first on ws's internal receiver. If a
 * future ws changes those internals, the connection still closes (with
 * 1009); the abuse test pins the 4004 behaviour.
 */
export function overrideOversizeCloseCode(ws: WebSocket, code: number): void {
  const receiver = (ws as unknown as { _receiver?: { prependListener?: unknown } })._receiver;
  if (receiver === undefined || typeof receiver.prependListener !== 'function') return;
  (receiver as NodeJS.EventEmitter).prependListener('error', (error: Error & { code?: string }) => {
    if (error.code !== 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return;
    for (const symbol of Object.getOwnPropertySymbols(error)) {
      if (symbol.description === 'status-code') (error as unknown as Record<symbol, number>)[symbol] = code;
    }
  });
}
