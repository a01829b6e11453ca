/**
 * Node 20 has no global WebSocket and `ws` is an optional peer dependency:
 * without it, `connect` rejects with a typed error naming the package. The
 * package is made to look missing by mocking its import (and hiding the
 * global); the consumer test also runs this on a real Node 20 where ws is
 * absent.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

describe('a Node client without any WebSocket', () => {
  const saved = (globalThis as { WebSocket?: unknown }).WebSocket;
  afterEach(() => {
    (globalThis as { WebSocket?: unknown }).WebSocket = saved;
    vi.doUnmock('ws');
    vi.resetModules();
  });

  it('connect rejects with WebSocketUnavailableError naming ws; options.WebSocket still works', async () => {
    delete (globalThis as { WebSocket?: unknown }).WebSocket;
    vi.resetModules();
    vi.doMock('ws', () => {
      throw Object.assign(new Error("Cannot find package 'ws'"), { code: 'ERR_MODULE_NOT_FOUND' });
    });
    const { connect, WebSocketUnavailableError } = await import('../src/index.js');
    const error = await connect('ws://127.0.0.1:9').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WebSocketUnavailableError);
    expect(error).toMatchObject({ name: 'WebSocketUnavailableError', packageName: 'ws' });
    expect((error as Error).message).toMatch(/npm install ws/);
    // A game that brings its own implementation is not affected: it gets as far as the (closed) port.
    vi.doUnmock('ws');
    const { default: RealWs } = await import('ws');
    const refused = await connect('ws://127.0.0.1:9', {
      WebSocket: RealWs as never,
      reconnect: false,
    }).catch((caught: unknown) => caught);
    expect(refused).not.toBeInstanceOf(WebSocketUnavailableError);
    expect((refused as Error).name).toBe('LobbyConnectionError');
  });
});
