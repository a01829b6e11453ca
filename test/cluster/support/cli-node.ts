import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../../packages/lobby/src/cli.ts', import.meta.url));

/** Runs the real `handoff-lobby` CLI as one cluster node; resolves once it listens. */
export async function startCliNode(
  port: number,
  redisUrl: string,
  nodeId: string,
  secret: string,
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
      '--redis',
      redisUrl,
      '--node-id',
      nodeId,
      '--public-url',
      `ws://127.0.0.1:${port}/`,
    ],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, HANDOFF_RESUME_SECRET: secret } },
  );
  const deadline = Date.now() + 15_000;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return child;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('lobby node did not start');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
