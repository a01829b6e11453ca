import { execFile } from 'node:child_process';

/** Result of a finished command. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion without a shell; never throws (the exit code says how it went). */
export function runCommand(
  command: string,
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      [...args],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 127;
        resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() || (error?.message ?? '') });
      },
    );
  });
}

/** Runs a command and throws with its stderr when it fails. */
export async function mustRun(command: string, args: readonly string[], timeoutMs?: number): Promise<string> {
  const result = await runCommand(command, args, timeoutMs);
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(' ')} → exit ${result.code}: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Runs a command inside a network namespace and throws when it fails. */
export function inNamespace(namespace: string, command: string, args: readonly string[]): Promise<string> {
  return mustRun('ip', ['netns', 'exec', namespace, command, ...args]);
}
