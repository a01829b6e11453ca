/**
 * Starts a bench server in a child process (pinned to its own core when
 * possible) and gives the load generator what it needs from it: its URL,
 * its CPU time and RSS from `/proc`, a forced GC, and a clean stop. Every
 * child is also killed if this process exits without stopping it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SERVER_CORE } from './pinning.js';
import { type CpuTimes, processCpuTimes, processRssKiB } from './proc-stats.js';

/**
 * Which server to start: the Handoff lobby, Colyseus, and two raw `ws`
 * relays — `raw` forwards the synthetic clients' broadcast frames as they
 * are, `raw-split` speaks enough lobby protocol for the real Handoff SDK and
 * splits its relay bundles into one send per datagram.
 */
export type ServerKind = 'handoff' | 'raw' | 'raw-split' | 'colyseus';

const serversDir = fileURLToPath(new URL('../servers/', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const entryPoints: Record<ServerKind, string> = {
  handoff: join(serversDir, 'handoff-lobby-server.ts'),
  raw: join(serversDir, 'raw-ws-relay.ts'),
  'raw-split': join(serversDir, 'raw-split-relay.ts'),
  colyseus: join(serversDir, 'colyseus-relay.ts'),
};

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Options of {@link startChildServer}. */
export interface ChildServerOptions {
  /** Run the child with `taskset -c 0`. */
  pin: boolean;
  /** Write a V8 CPU profile of the child into this directory (`node --cpu-prof`). */
  cpuProfileDir?: string;
  /** Run this server entry point instead of the built-in one (e.g. a patched copy, for experiments). */
  entryPoint?: string;
  /** Command-line arguments of the server (e.g. `['--limits', 'default']` for the lobby). */
  args?: string[];
}

/** A running bench server child. */
export interface ChildServer {
  readonly kind: ServerKind;
  readonly pid: number;
  readonly port: number;
  /** Server CPU time so far, seconds (all threads). */
  cpuTimes(): CpuTimes;
  /** Server resident set size, KiB. */
  rssKiB(): number;
  /** Runs a full GC in the child and waits for it. */
  gc(): Promise<void>;
  /** Asks the child to stop; kills it if it has not exited within 5 s. */
  stop(): Promise<void>;
}

interface ChildEvent {
  event: string;
  port?: number;
}

/** Spawns a server child and waits until it listens. */
export async function startChildServer(kind: ServerKind, options: ChildServerOptions): Promise<ChildServer> {
  // handoff-source: run the workspace packages from their TypeScript sources (no build needed).
  const nodeArgs = ['--expose-gc', '--conditions=handoff-source', '--import', 'tsx'];
  if (options.cpuProfileDir !== undefined)
    nodeArgs.push('--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir);
  const argv = [...nodeArgs, options.entryPoint ?? entryPoints[kind], ...(options.args ?? [])];
  const child = options.pin
    ? spawn('taskset', ['-c', String(SERVER_CORE), process.execPath, ...argv], childOptions())
    : spawn(process.execPath, argv, childOptions());
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => live.delete(child));
  const waiters: ((event: ChildEvent) => void)[] = [];
  const events = createInterface({ input: child.stdout! });
  events.on('line', (line) => {
    let event: ChildEvent;
    try {
      event = JSON.parse(line) as ChildEvent;
    } catch {
      return; // Not ours (e.g. a stray log line).
    }
    for (const waiter of waiters.splice(0)) waiter(event);
  });
  const next = (timeoutMs: number): Promise<ChildEvent> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${kind} server: no answer in ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiters.push((event) => {
        clearTimeout(timer);
        resolve(event);
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${kind} server exited (code ${String(child.exitCode)})`));
      });
    });
  let ready: ChildEvent;
  try {
    ready = await next(20_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const pid = child.pid;
  if (ready.event !== 'ready' || ready.port === undefined || pid === undefined) {
    child.kill('SIGKILL');
    throw new Error(`${kind} server: unexpected first event ${JSON.stringify(ready)}`);
  }
  return {
    kind,
    pid,
    port: ready.port,
    cpuTimes: () => processCpuTimes(pid),
    rssKiB: () => processRssKiB(pid),
    gc: async () => {
      const answer = next(10_000);
      child.stdin!.write('gc\n');
      await answer;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin!.end('stop\n');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function childOptions(): { cwd: string; env: NodeJS.ProcessEnv; stdio: ['pipe', 'pipe', 'inherit'] } {
  // Resolve `@handoff/*` to their TypeScript sources, so the bench measures the code in the tree.
  return {
    cwd: repoRoot,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(repoRoot, 'tsconfig.tests.json') },
    stdio: ['pipe', 'pipe', 'inherit'],
  };
}
