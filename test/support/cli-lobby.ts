import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../packages/lobby/src/cli.ts', import.meta.url));

/**
 * Runs the real `handoff-lobby` CLI (from sources) on 127.0.0.1:`port`,
 * without STUN, with `args` added; resolves once `/healthz` answers.
 */
export async function startCliLobby(
  port: number,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
  timeoutMs = 15_000,
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=handoff-source',
      '--import',
      'tsx',
      cli,
      '--port',
      String(port),
      '--host',
      '127.0.0.1',
      '--no-stun',
      '--log-level',
      'warn',
      ...args,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } },
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return child;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('lobby did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
