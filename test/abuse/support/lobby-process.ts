import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { CalmWindow } from './calm-room.js';

const entryPoint = fileURLToPath(new URL('./lobby-with-calm-room.ts', import.meta.url));

/** A calm-room window as the child reports it. */
export interface CalmReport extends CalmWindow {
  /** Datagrams the calm room sent and never got back, since the start (includes those in flight). */
  missing: number;
  /** The child's resident memory, MiB. */
  rssMb: number;
}

/** Options of {@link LobbyProcess.start}. */
export interface LobbyProcessOptions {
  /** Run the child with `taskset -c <cpus>` (e.g. `'0'`), so attackers on other cores do not share its CPU. */
  cpus?: string;
}

/**
 * The lobby and its calm room, in a child process (see
 * `lobby-with-calm-room.ts`): the hardening test and the hardening bench
 * attack it from the parent.
 */
export class LobbyProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly lines: AsyncIterator<string>,
    readonly url: string,
    readonly maxConnectionsPerIp: number,
    readonly maxRooms: number,
  ) {}

  static async start(options: LobbyProcessOptions = {}): Promise<LobbyProcess> {
    const argv = ['--conditions=handoff-source', '--import', 'tsx', entryPoint];
    const child =
      options.cpus === undefined
        ? spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'inherit'] })
        : spawn('taskset', ['-c', options.cpus, process.execPath, ...argv], {
            stdio: ['pipe', 'pipe', 'inherit'],
          });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done === true) throw new Error('the lobby child exited before it was ready');
    const ready = JSON.parse(first.value) as { url: string; maxConnectionsPerIp: number; maxRooms: number };
    return new LobbyProcess(child, lines, ready.url, ready.maxConnectionsPerIp, ready.maxRooms);
  }

  /** The child's process id (`taskset` execs it: the same process), for `/proc`. */
  get pid(): number {
    return this.child.pid!;
  }

  /** Starts a new calm-room window; returns its id. */
  async mark(): Promise<number> {
    return ((await this.ask('mark')) as { window: number }).window;
  }

  /** The figures of a window (datagrams sent in it that came back so far); reported once. */
  async report(window: number): Promise<CalmReport> {
    return (await this.ask(`report ${window}`)) as CalmReport;
  }

  /** The window since the previous call (or the start), reported now, and a new one started. */
  async stats(): Promise<CalmReport> {
    const next = await this.mark();
    return this.report(next - 1);
  }

  async stop(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin!.end();
    await exited;
  }

  private async ask(command: string): Promise<unknown> {
    this.child.stdin!.write(`${command}\n`);
    const line = await this.lines.next();
    if (line.done === true) throw new Error('the lobby child exited');
    return JSON.parse(line.value);
  }
}
