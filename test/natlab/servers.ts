import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { trackProcess } from './cleanup.js';
import { runCommand } from './exec.js';
import { NODE_SOURCE_ARGS } from './player-handle.js';

/**
 * The lab's ICE servers: the lobby's built-in STUN responder, coturn as the
 * only STUN server, or the lobby's STUN plus coturn as a TURN server (UDP)
 * whose short-lived credentials the lobby hands out (`--turn-url`,
 * `--turn-secret`: coturn's `use-auth-secret`).
 */
export type StunChoice = 'lobby' | 'coturn' | 'turn';

/** The lab's servers, running inside `pub`. */
export interface LabServers {
  /** The lobby's WebSocket URL. */
  url: string;
  /** Human-readable STUN server, for the matrix. */
  stun: string;
  /** CPU time the lobby process used so far (user + system), ms. */
  lobbyCpuMs(): number;
  stop(): Promise<void>;
}

const LOBBY_PORT = 8080;
const LOBBY_STUN_PORT = 3478;
const COTURN_PORT = 3479;
/** coturn's shared secret in the lab (never leaves the lab's namespaces). */
const TURN_SECRET = 'natlab-turn-secret';
/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/** CPU time (user + system) of a process, ms, from /proc; 0 once it is gone. */
function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return 0;
  }
}

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
      : stun === 'turn'
        ? [
            ...['--stun-port', String(LOBBY_STUN_PORT)],
            ...['--turn-url', `turn:${host}:${COTURN_PORT}?transport=udp`, '--turn-secret', TURN_SECRET],
          ]
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

/**
 * Starts coturn in `pub` — STUN only, or also TURN over UDP with the lobby's
 * shared secret — and resolves once a real binding request gets an answer.
 */
async function startCoturn(pub: string, host: string, prefix: string, turn: boolean): Promise<ChildProcess> {
  const mode = turn
    ? ['--use-auth-secret', '--static-auth-secret', TURN_SECRET, '--realm', 'natlab', '--no-tcp']
    : ['--stun-only'];
  const args = [
    ...['netns', 'exec', pub, 'turnserver', '-n', ...mode, '--no-cli', '--no-tls', '--no-dtls'],
    ...['--listening-ip', host, '--listening-port', String(COTURN_PORT), '--relay-ip', host],
    ...['--min-port', '49152', '--max-port', '49900'],
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
 * Starts the lobby in `pub` listening on `host`; with `turn`, also coturn as a
 * TURN server the lobby hands credentials for; with `coturn`, coturn as
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
  const coturn = stun === 'lobby' ? undefined : await startCoturn(pub, host, prefix, stun === 'turn');
  let lobby: ChildProcess;
  try {
    lobby = await startLobby(pub, host, stun, cwd);
  } catch (error) {
    if (coturn !== undefined) await terminate(coturn, 500);
    throw error;
  }
  return {
    url: `ws://${host}:${LOBBY_PORT}/`,
    stun:
      stun === 'lobby'
        ? `lobby built-in, udp ${LOBBY_STUN_PORT}`
        : stun === 'turn'
          ? `lobby built-in, udp ${LOBBY_STUN_PORT}; TURN: coturn, udp ${COTURN_PORT}`
          : `coturn, udp ${COTURN_PORT}`,
    lobbyCpuMs: () => cpuMsOf(lobby.pid),
    stop: async () => {
      await terminate(lobby, 6000);
      if (coturn !== undefined) await terminate(coturn, 1000);
    },
  };
}
