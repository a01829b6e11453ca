import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';

/** Namespaces and processes this run owns right now: what must go if the run dies. */
const namespaces = new Set<string>();
const processes = new Set<ChildProcess>();

/** Records a namespace this run created. */
export function trackNamespace(name: string): void {
  namespaces.add(name);
}

/** Forgets a namespace that was deleted the ordinary way. */
export function untrackNamespace(name: string): void {
  namespaces.delete(name);
}

/** Records a child process; it is forgotten when it exits. */
export function trackProcess(child: ChildProcess): void {
  processes.add(child);
  child.once('exit', () => processes.delete(child));
}

/**
 * Synchronous last-resort teardown (safe in a process `exit` handler): kills
 * the children this run started, by pid, then everything left in its
 * namespaces, and deletes the namespaces.
 */
export function cleanupNow(): void {
  for (const child of processes) {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  processes.clear();
  for (const name of namespaces) {
    try {
      const pids = execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8' });
      for (const pid of pids.split('\n').filter((line) => /^\d+$/.test(line)))
        process.kill(Number(pid), 'SIGKILL');
    } catch {
      // The namespace or the process is already gone.
    }
    try {
      execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  }
  namespaces.clear();
}

/** Tears the lab down on exit, on Ctrl-C / SIGTERM and on an uncaught error. */
export function installCleanupHandlers(): void {
  process.once('exit', cleanupNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`natlab: ${signal}, tearing the lab down\n`);
      cleanupNow();
      process.exit(130);
    });
  }
}
