import { readFileSync } from 'node:fs';
import { runCommand } from './exec.js';

/** Every lab namespace is `hl<pid>s<scenario>-<role>`: unique per run, short, recognisable. */
const LAB_NAMESPACE = /^hl(\d+)s\d+-[a-z0-9]+$/;

/** The namespace-name prefix of one scenario of this run. */
export function scenarioPrefix(scenario: number, pid = process.pid): string {
  return `hl${pid}s${scenario}-`;
}

/** The lab namespaces that exist now (`ip netns list`). */
export async function labNamespaces(): Promise<string[]> {
  const { stdout } = await runCommand('ip', ['netns', 'list']);
  return stdout
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => LAB_NAMESPACE.test(name));
}

/** Whether the run that made this namespace is still alive (a live natlab process with that pid). */
function ownerAlive(namespace: string): boolean {
  const pid = Number(LAB_NAMESPACE.exec(namespace)?.[1]);
  if (pid === process.pid) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('natlab');
  } catch {
    return false;
  }
}

/**
 * Deletes lab namespaces left behind by runs that crashed (their processes
 * first: a namespace with processes in it outlives `ip netns del`).
 * Returns the names it removed.
 */
export async function removeStaleNamespaces(): Promise<string[]> {
  const stale = (await labNamespaces()).filter((name) => !ownerAlive(name));
  for (const name of stale) await deleteNamespace(name);
  return stale;
}

/** Kills whatever still runs in a namespace, then deletes it. */
export async function deleteNamespace(name: string): Promise<void> {
  const { stdout } = await runCommand('ip', ['netns', 'pids', name]);
  for (const pid of stdout.split('\n').filter((line) => /^\d+$/.test(line))) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await runCommand('ip', ['netns', 'del', name]);
}
