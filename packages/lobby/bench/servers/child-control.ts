/**
 * The child side of the bench's server protocol, one JSON line per event on
 * stdout and one command per line on stdin:
 *
 * - child → parent: `{"event":"ready","port":N}` once listening, `{"event":"gc"}` after a forced GC;
 * - parent → child: `gc` (run a full GC; needs `--expose-gc`), `stop` (shut down and exit 0).
 *
 * The child also shuts down when stdin closes (the parent died) or on SIGTERM,
 * and exits through `process.exit` so `--cpu-prof` writes its profile.
 */
import { createInterface } from 'node:readline';

/** A started server, as the control loop sees it. */
export interface ControlledServer {
  /** TCP port it listens on. */
  port: number;
  /** Releases everything (sockets, timers). */
  stop(): Promise<void>;
}

function emit(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

/** Announces `server` to the parent and serves its commands until told to stop. */
export function runControlLoop(server: ControlledServer): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    const exit = setTimeout(() => process.exit(0), 3000);
    exit.unref();
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const command = line.trim();
    if (command === 'gc') {
      (globalThis as { gc?: () => void }).gc?.();
      emit({ event: 'gc' });
    } else if (command === 'stop') stop();
  });
  lines.on('close', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  emit({ event: 'ready', port: server.port });
}
