/**
 * Bench child: Colyseus 0.18 doing the same work — a room whose members'
 * messages are relayed with `onMessage` + `broadcast(..., { except })`, the
 * way a Colyseus game forwards positions: `pos` and `chat` from the real
 * SDK clients (load/colyseus-player.ts), `p` from the synthetic ones.
 * Default WebSocket transport, local presence and driver; no state schema
 * (nothing to patch).
 */
import { type Client, Room, Server } from '@colyseus/core';
import { WebSocketTransport } from '@colyseus/ws-transport';
import { runControlLoop } from './child-control.js';

/** Relays every `pos`, `chat` and `p` message to the other members. */
class RelayRoom extends Room {
  override maxClients = 64;

  override onCreate(): void {
    for (const type of ['pos', 'chat', 'p']) {
      this.onMessage(type, (client: Client, message: unknown) => {
        this.broadcast(type, message, { except: client });
      });
    }
  }
}

const transport = new WebSocketTransport();
const server = new Server({ transport, greet: false } as ConstructorParameters<typeof Server>[0]);
server.define('relay', RelayRoom);
await server.listen(0, '127.0.0.1');
const address = (
  transport as unknown as { server: { address(): { port: number } | string | null } }
).server.address();
if (address === null || typeof address === 'string') throw new Error('colyseus relay: no TCP address');
runControlLoop({ port: address.port, stop: () => server.gracefullyShutdown(false) });
