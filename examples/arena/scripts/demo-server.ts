import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLobbyServer, type LobbyServer } from '@handoff/lobby';
import { serveStatic } from './static-files.js';

/** Options of {@link startDemoServer}. */
export interface DemoServerOptions {
  /** The built page to serve. */
  distDir: string;
  /** TCP port for the page and the lobby (0: any free port). */
  port: number;
  /** Address to bind. */
  host: string;
  /** UDP port of the lobby's STUN responder (0: any free port). */
  stunPort: number;
  /** Lobby log level (pino's). Default `warn`. */
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** A running demo server. */
export interface DemoServer {
  /** The lobby, attached to the page's HTTP server. */
  readonly lobby: LobbyServer;
  /** The page's URL. */
  readonly pageUrl: string;
  /** The lobby's WebSocket URL (for bots). */
  readonly lobbyUrl: string;
  /** The STUN responder's UDP port. */
  readonly stunPort: number | undefined;
  /** Stops the lobby (clients are told) and the HTTP server. */
  stop(): Promise<void>;
}

/** The WebSocket path of the lobby; the page connects to it on its own origin. */
export const LOBBY_PATH = '/lobby';

/**
 * One HTTP server for everything the page needs: the built page and, on
 * {@link LOBBY_PATH}, the lobby (rooms, signaling, relay), plus the lobby's
 * STUN responder on UDP. One origin: no CORS, one port to forward.
 */
export async function startDemoServer(options: DemoServerOptions): Promise<DemoServer> {
  let lobby: LobbyServer | undefined;
  const http: Server = createServer((request, response) => {
    if (lobby?.handleHttpRequest(request, response)) return;
    serveStatic(options.distDir, request, response).catch(() => response.destroy());
  });
  lobby = createLobbyServer({
    server: http,
    path: LOBBY_PATH,
    host: options.host,
    stunPort: options.stunPort,
    logLevel: options.logLevel ?? 'warn',
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve());
  });
  const address = await lobby.start().catch(async (error: unknown) => {
    http.close();
    throw error;
  });
  const { port } = http.address() as AddressInfo;
  // Browsers may not reach 0.0.0.0; localhost works for the machine itself.
  const host = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
  const started = lobby;
  return {
    lobby: started,
    pageUrl: `http://${host}:${port}/`,
    lobbyUrl: `ws://${host}:${port}${LOBBY_PATH}`,
    stunPort: address.stunPort,
    async stop() {
      await started.stop(1000);
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}
