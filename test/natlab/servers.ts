import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { trackProcess } from './cleanup.js';
import { runCommand } from './exec.js';
import { NODE_SOURCE_ARGS } from './player-handle.js';

/** Which STUN server the players use: the lobby's built-in responder or coturn. */
export type StunChoice = 'lobby' | 'coturn';

/** The lab's servers, running inside `pub`. */
export interface LabServers {
  /** The lobby's WebSocket URL. */
  url: string;
  /** Human-readable STUN server, for the matrix. */
  stun: string;
  stop(): Promise<void>;
}

const LOBBY_PORT = 8080;
const LOBBY_STUN_PORT = 3478;
const COTURN_PORT = 3479;

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`. */
async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Starts the lobby in `pub` and resolves once it logs that it listens. */
async function startLobby(pub: string, host: string, stun: StunChoice, cwd: string): Promise<ChildProcess> {
  const stunFlags =
    stun === 'lobby'
      ? ['--stun-port', String(LOBBY_STUN_PORT)]
      : ['--no-stun', '--ice-server', `stun:${host}:${COTURN_PORT}`];
  const args = [
    ...['netns', 'exec', pub, process.execPath, ...NODE_SOURCE_ARGS, 'packages/lobby/src/cli.ts'],
    ...['--host', host, '--port', String(LOBBY_PORT), '--log-level', 'info', ...stunFlags],
  ];
  const child = spawn('ip', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  trackProcess(child);
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = `${output}${chunk.toString()}`.slice(-2000);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lobby did not start in 20 s: ${output}`)), 20_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output = `${output}${line}\n`.slice(-2000);
      if (line.includes('lobby listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lobby exited (${code}): ${output}`));
    });
  });
  return child;
}

/** Starts coturn (STUN only) in `pub` and resolves once a real binding request gets an answer. */
async function startCoturn(pub: string, host: string, prefix: string): Promise<ChildProcess> {
  const args = [
    ...['netns', 'exec', pub, 'turnserver', '-n', '--stun-only', '--no-cli', '--no-tls', '--no-dtls'],
    ...['--listening-ip', host, '--listening-port', String(COTURN_PORT), '--relay-ip', host],
    ...['--pidfile', `/tmp/${prefix}coturn.pid`, '--log-file', 'stdout', '--simple-log'],
  ];
  const child = spawn('ip', args, { stdio: 'ignore' });
  trackProcess(child);
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = await runCommand(
      'ip',
      ['netns', 'exec', pub, 'turnutils_stunclient', '-p', String(COTURN_PORT), host],
      3000,
    );
    if (probe.stdout.includes('reflexive addr')) return child;
    if (child.exitCode !== null) break;
    await sleep(100);
  }
  await terminate(child, 500);
  throw new Error('coturn did not answer STUN binding requests');
}

/**
 * Starts the lobby in `pub` listening on `host`; with `coturn`, also coturn as
 * the only STUN server (the lobby's own responder off, coturn advertised
 * through `--ice-server`).
 */
export async function startServers(
  pub: string,
  host: string,
  stun: StunChoice,
  prefix: string,
  cwd: string,
): Promise<LabServers> {
  const coturn = stun === 'coturn' ? await startCoturn(pub, host, prefix) : undefined;
  let lobby: ChildProcess;
  try {
    lobby = await startLobby(pub, host, stun, cwd);
  } catch (error) {
    if (coturn !== undefined) await terminate(coturn, 500);
    throw error;
  }
  return {
    url: `ws://${host}:${LOBBY_PORT}/`,
    stun: stun === 'lobby' ? `lobby built-in, udp ${LOBBY_STUN_PORT}` : `coturn, udp ${COTURN_PORT}`,
    stop: async () => {
      await terminate(lobby, 6000);
      if (coturn !== undefined) await terminate(coturn, 1000);
    },
  };
}
