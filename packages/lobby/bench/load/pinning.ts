/**
 * CPU pinning with `taskset`: the server child runs on core 0, the load
 * generator (this process, every thread) on core 1, so neither steals the
 * other's CPU. Without `taskset` or a second core, nothing is pinned and
 * the tables say so.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { processStatusField } from './proc-stats.js';

/** Core the server child is pinned to. */
export const SERVER_CORE = 0;
/** Core the load generator is pinned to. */
export const LOAD_CORE = 1;

/** Whether `taskset` exists and there are at least two cores to split. */
export function canPin(): boolean {
  if (availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Pins every thread of this process to {@link LOAD_CORE}. Returns a function
 * that restores the previous affinity (other suites run in this process after
 * this one), or undefined when pinning failed.
 */
export function pinSelfToLoadCore(): (() => void) | undefined {
  const pid = String(process.pid);
  const previous = processStatusField('self', 'Cpus_allowed_list');
  if (previous === undefined) return undefined;
  try {
    execFileSync('taskset', ['-a', '-cp', String(LOAD_CORE), pid], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return () => {
    try {
      execFileSync('taskset', ['-a', '-cp', previous, pid], { stdio: 'ignore' });
    } catch {
      // Best effort: the affinity only matters for the rest of this bench run.
    }
  };
}

/** The CPUs a process may run on, as `taskset -c` prints them (e.g. `0` or `0-1`). */
export function allowedCpus(pid: number | 'self'): string {
  return processStatusField(pid, 'Cpus_allowed_list') ?? '?';
}
