import type { ChildProcess } from 'node:child_process';
import { startCliLobby } from '../../support/cli-lobby.js';

/** Runs the real `handoff-lobby` CLI as one cluster node; resolves once it listens. */
export function startCliNode(
  port: number,
  redisUrl: string,
  nodeId: string,
  secret: string,
): Promise<ChildProcess> {
  return startCliLobby(
    port,
    ['--redis', redisUrl, '--node-id', nodeId, '--public-url', `ws://127.0.0.1:${port}/`],
    { HANDOFF_RESUME_SECRET: secret },
  );
}
