/**
 * The bench's load workers (sdk-load-worker.ts): child processes pinned to
 * the load CPUs, each hosting a slice of a room's players. They are started
 * once per suite and reused run after run (each run closes its players and
 * collects its garbage), so a run does not pay for process start-up.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerCommand, WorkerEvent } from './sdk-worker-protocol.js';

const workerEntry = fileURLToPath(new URL('./sdk-load-worker.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** One load worker process. */
export class LoadWorker {
  private waiters: { accept: (event: WorkerEvent) => void; reject: (error: Error) => void }[] = [];
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (event: WorkerEvent) => {
      const waiter = this.waiters.shift();
      if (waiter === undefined) return;
      if (event.type === 'failed') waiter.reject(new Error(`load worker: ${event.message}`));
      else waiter.accept(event);
    });
    child.once('exit', (code) => {
      this.exited = true;
      live.delete(child);
      for (const waiter of this.waiters.splice(0)) waiter.reject(new Error(`load worker exited (${code})`));
    });
  }

  /** The worker's pid (its CPU time is in /proc too). */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /**
   * Starts a worker on `cpus` (`taskset -c` list), or unpinned when undefined.
   * `RELAY_BENCH_LOAD_CPU_PROF=<dir>` writes a V8 CPU profile of each worker there.
   */
  static start(cpus: string | undefined): LoadWorker {
    const profileDir = process.env.RELAY_BENCH_LOAD_CPU_PROF;
    const nodeArgs = [
      '--expose-gc',
      '--conditions=handoff-source',
      '--import',
      'tsx',
      ...(profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir]),
      workerEntry,
    ];
    const options = {
      cwd: repoRoot,
      env: { ...process.env, TSX_TSCONFIG_PATH: join(repoRoot, 'tsconfig.tests.json') },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'] as ('ignore' | 'inherit' | 'ipc')[],
    };
    const child =
      cpus === undefined
        ? spawn(process.execPath, nodeArgs, options)
        : spawn('taskset', ['-c', cpus, process.execPath, ...nodeArgs], options);
    live.add(child);
    return new LoadWorker(child);
  }

  /** Sends a command without waiting for an answer. */
  tell(command: WorkerCommand): void {
    this.child.send(command);
  }

  /** Sends a command and waits for the worker's answer of type `answer`. */
  async ask<T extends WorkerEvent['type']>(
    command: WorkerCommand,
    answer: T,
    timeoutMs = 60_000,
  ): Promise<Extract<WorkerEvent, { type: T }>> {
    if (this.exited) throw new Error('load worker has exited');
    const event = await new Promise<WorkerEvent>((accept, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`load worker: no ${answer} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        accept: (received) => {
          clearTimeout(timer);
          accept(received);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send(command);
    });
    if (event.type !== answer) throw new Error(`load worker answered ${event.type}, expected ${answer}`);
    return event as Extract<WorkerEvent, { type: T }>;
  }

  /** Asks the worker to exit; kills it after 3 s. */
  async exit(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'exit' } satisfies WorkerCommand);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  }
}

/** A set of workers reused across runs, grown on demand. */
export class LoadWorkerPool {
  private readonly workers: LoadWorker[] = [];

  constructor(private readonly cpus: string | undefined) {}

  /** The first `count` workers (starting more if needed). */
  take(count: number): LoadWorker[] {
    while (this.workers.length < count) this.workers.push(LoadWorker.start(this.cpus));
    return this.workers.slice(0, count);
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((worker) => worker.exit()));
  }
}
