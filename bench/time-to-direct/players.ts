/**
 * The kinds of player of the time-to-direct bench behind one interface: a
 * Node client (node-datachannel), or a client inside a Chromium or Firefox
 * page (the browser's own RTCPeerConnection), each from `client.ts`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createLobbyServer, type LobbyServer } from '../../packages/lobby/src/index.js';
import { type SideResult, TtdPlayer } from './client.js';
import type { TtdPageApi } from './page-entry.js';

/** A player in a try, whatever runs it. */
export interface Player {
  create(): Promise<string>;
  join(roomId: string): Promise<void>;
  direct(timeoutMs: number): Promise<SideResult>;
  close(): Promise<void>;
}

/** Where players of one kind come from. */
export interface PlayerKind {
  /** `Node`, `Chromium`, `Firefox`. */
  name: string;
  open(lobbyUrl: string, name: string): Promise<Player>;
}

export const nodeKind: PlayerKind = {
  name: 'Node',
  open: (url, name) => TtdPlayer.open(url, name),
};

/** What the bench needs of a page, in playwright and puppeteer alike. */
export interface BenchPage {
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}

/** `page.evaluate` of playwright or puppeteer, seen through one signature (their argument types differ). */
type AnyEvaluate = (fn: unknown, arg: unknown) => Promise<unknown>;

/** A playwright or puppeteer page as a {@link BenchPage}. */
export function benchPage(page: { evaluate: unknown }): BenchPage {
  return { evaluate: (fn, arg) => (page.evaluate as AnyEvaluate).call(page, fn, arg) as never };
}

declare const ttd: TtdPageApi;

/** Players inside `page` (one page can hold several). */
export function pageKind(name: string, page: BenchPage, lobbyUrl: string): PlayerKind {
  return {
    name,
    async open(_url, playerName) {
      const id = await page.evaluate(({ url, n }) => ttd.open(url, n), { url: lobbyUrl, n: playerName });
      return {
        create: () => page.evaluate((i) => ttd.create(i), id),
        join: (roomId) => page.evaluate(({ i, r }) => ttd.join(i, r), { i: id, r: roomId }),
        direct: (timeoutMs) => page.evaluate(({ i, t }) => ttd.direct(i, t), { i: id, t: timeoutMs }),
        close: () => page.evaluate((i) => ttd.close(i), id),
      };
    },
  };
}

/** Serves the bundled browser client on 127.0.0.1 (a secure context: WebRTC and WebSockets work). */
export async function servePage(): Promise<{ url: string; close(): Promise<void> }> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('page-entry.ts', import.meta.url))],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    conditions: ['handoff-source', 'browser'],
    write: false,
    logLevel: 'silent',
  });
  const code = bundle.outputFiles[0]!.text;
  const html =
    '<!doctype html><meta charset="utf-8"><title>ttd</title><script type="module" src="ttd.js"></script>';
  const server: Server = createServer((request, response) => {
    const js = request.url === '/ttd.js';
    response.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
    response.end(js ? code : html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A lobby on loopback for time-to-direct runs: its STUN responder on, and
 * per-address limits out of the way (every player of every try comes from
 * 127.0.0.1, a fresh connection and room each time).
 */
export async function startBenchLobby(): Promise<{ lobby: LobbyServer; url: string }> {
  const lobby = createLobbyServer({
    port: 0,
    host: '127.0.0.1',
    stunPort: 0,
    logLevel: 'silent',
    limits: {
      maxConnectionsPerIp: 10_000,
      maxRoomsCreatedPerMinutePerIp: 1e6,
      maxLiveRoomsPerIp: 1e6,
      maxRoomsCreatedPerMinute: 1e6,
    },
  });
  const { port } = await lobby.start();
  return { lobby, url: `ws://127.0.0.1:${port}/` };
}

/**
 * Opens the bench page in a browser tab and waits until its player API
 * (`globalThis.ttd`) is up.
 */
export async function openBenchPage(
  browserPage: { goto(url: string): Promise<unknown>; evaluate: unknown },
  siteUrl: string,
): Promise<BenchPage> {
  await browserPage.goto(siteUrl);
  const page = benchPage(browserPage);
  // No named functions in evaluated code: tsx's keepNames would wrap them in a missing `__name`.
  await page.evaluate(async () => {
    while (!('ttd' in globalThis)) await new Promise((resolve) => setTimeout(resolve, 10));
  }, undefined);
  return page;
}
