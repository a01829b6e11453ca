#!/usr/bin/env node
/**
 * `handoff-lobby`: runs a lobby server from the command line. See
 * `handoff-lobby --help` and packages/lobby/README.md.
 *
 * @module
 */
import { HandoffError } from '@handoff/protocol';
import { helpText, parseCli } from './cli-options.js';
import { createLobbyServer } from './lobby-server.js';

async function main(): Promise<void> {
  let request: ReturnType<typeof parseCli>;
  try {
    request = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`handoff-lobby: ${(error as Error).message}\nTry handoff-lobby --help\n`);
    process.exit(2);
  }
  if (request.help) {
    process.stdout.write(`${helpText()}\n`);
    return;
  }
  const lobby = createLobbyServer(request.options);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    lobby.log.info({ signal }, 'shutting down');
    lobby.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        lobby.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  await lobby.start();
}

main().catch((error: unknown) => {
  const text = error instanceof HandoffError ? error.message : String((error as Error)?.stack ?? error);
  process.stderr.write(`handoff-lobby: ${text}\n`);
  process.exit(1);
});
