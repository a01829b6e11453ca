import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { trackProcess } from './cleanup.js';
import type { PlayerCommand, PlayerConfig, PlayerEvent } from './player-messages.js';

/** Runs Node with the repository's sources (`handoff-source` condition, tsx for TypeScript). */
export const NODE_SOURCE_ARGS = ['--conditions=handoff-source', '--import', 'tsx'] as const;

/** Extracts the event variant with this `type`. */
type EventOf<T extends PlayerEvent['type']> = Extract<PlayerEvent, { type: T }>;

/**
 * The orchestrator's handle on one player process running in a host
 * namespace: it sends commands and collects every event, so a scenario can
 * wait for one or read the history afterwards.
 */
export class PlayerHandle {
  readonly events: PlayerEvent[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiters = new Set<() => void>();
  private stderrTail = '';
  private exited = false;

  constructor(
    readonly name: string,
    namespace: string,
    config: PlayerConfig,
    cwd: string,
    logDir?: string,
  ) {
    const args = ['netns', 'exec', namespace, process.execPath, ...NODE_SOURCE_ARGS, 'test/natlab/player.ts'];
    const withLog: PlayerConfig = { ...config, rtcLog: logDir !== undefined };
    this.child = spawn('ip', [...args, JSON.stringify(withLog)], { cwd, stdio: 'pipe' });
    trackProcess(this.child);
    // With a log directory: everything the player prints, libdatachannel's log included, for post-mortems.
    const log = logDir === undefined ? undefined : join(logDir, `${namespace}-${name}.log`);
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (log !== undefined) appendFileSync(log, `${Date.now()} STDOUT ${line}\n`);
      try {
        this.events.push(JSON.parse(line) as PlayerEvent);
      } catch {
        this.stderrTail = `${this.stderrTail}${line}\n`.slice(-4000);
      }
      this.wake();
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      if (log !== undefined) appendFileSync(log, chunk);
      this.stderrTail = `${this.stderrTail}${chunk.toString()}`.slice(-4000);
    });
    this.child.once('exit', () => {
      this.exited = true;
      this.wake();
    });
  }

  /** The player's id (after `ready`). */
  get playerId(): string | undefined {
    return this.first('ready')?.playerId;
  }

  /** The last lines the process wrote to stderr (for failure messages). */
  get diagnostics(): string {
    return this.stderrTail.trim();
  }

  send(command: PlayerCommand): void {
    if (!this.exited) this.child.stdin.write(`${JSON.stringify(command)}\n`);
  }

  /** The first event of a type, if it came. */
  first<T extends PlayerEvent['type']>(type: T): EventOf<T> | undefined {
    return this.events.find((event): event is EventOf<T> => event.type === type);
  }

  /** Every event of a type so far. */
  all<T extends PlayerEvent['type']>(type: T): EventOf<T>[] {
    return this.events.filter((event): event is EventOf<T> => event.type === type);
  }

  /**
   * Resolves once `check` returns a value (checked now and after every event),
   * rejects after `timeoutMs`, when the process exits, or when it reports an error.
   */
  until<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`${this.name}: no ${what} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const finish = (error: Error | undefined, value?: T): void => {
        clearTimeout(timer);
        this.waiters.delete(poll);
        if (error === undefined) resolve(value as T);
        else reject(error);
      };
      const poll = (): void => {
        const value = check();
        const failure = this.first('error');
        if (value !== undefined) finish(undefined, value);
        else if (failure !== undefined) finish(new Error(`${this.name}: ${failure.message}`));
        else if (this.exited)
          finish(new Error(`${this.name} exited before ${what}: ${this.diagnostics.slice(-600)}`));
      };
      this.waiters.add(poll);
      poll();
    });
  }

  /** Waits for the next event of a type after the first `skip` of them. */
  next<T extends PlayerEvent['type']>(type: T, timeoutMs: number, skip = 0): Promise<EventOf<T>> {
    return this.until(type, () => this.all(type)[skip], timeoutMs);
  }

  /** Asks the process to exit; kills it if it does not within `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.send({ cmd: 'exit' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
