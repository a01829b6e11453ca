/**
 * Process helpers of the consumer test: run a command and capture it, find
 * a Node binary of a given major version, free ports, directory sizes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** What a finished command left behind. */
export interface Ran {
  command: string;
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The environment a stranger's shell would have, with `nodeBin`'s directory first on PATH. */
export function strangerEnv(nodeBin: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Settings npm passes to scripts (npm_config_*, npm_package_*...) would
    // leak this repository's configuration into the stranger's npm.
    if (/^npm_/i.test(key) || key === 'INIT_CWD' || key === 'NODE_OPTIONS') continue;
    env[key] = value;
  }
  env.PATH = `${dirname(nodeBin)}:${process.env.PATH ?? ''}`;
  env.npm_config_update_notifier = 'false';
  return { ...env, ...extra };
}

/** Runs a command to completion (rejects on timeout; a non-zero exit is returned, not thrown). */
export function run(
  file: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Ran> {
  const command = [file, ...args].join(' ');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command}: no exit within ${options.timeoutMs} ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 300_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ command, code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** Runs a command and throws with its output unless it exits 0. */
export async function runOk(
  file: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Ran> {
  const ran = await run(file, args, options);
  if (ran.code !== 0)
    throw new Error(`${ran.command} (in ${options.cwd}) exited ${ran.code}\n${ran.stdout}\n${ran.stderr}`);
  return ran;
}

/** A long-running child whose output is collected as it comes. */
export interface Running {
  readonly child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Resolves once stdout matches `pattern`; rejects after `timeoutMs` or if the process exits first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Resolves with the exit code; rejects after `timeoutMs`. */
  exited(timeoutMs: number): Promise<number | null>;
  /** SIGTERM to the process group (npm, and the command it runs). */
  stop(): void;
}

export function start(
  file: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Running {
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    notify();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
      notify();
    }),
  );
  const command = [file, ...args].join(' ');
  return {
    child,
    output: () => ({ stdout, stderr }),
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(stdout)) done(() => resolve());
          else if (exitCode !== undefined)
            done(() =>
              reject(new Error(`${command} exited (${exitCode}) before ${pattern}\n${stdout}\n${stderr}`)),
            );
        };
        const timer = setTimeout(
          () =>
            done(() =>
              reject(new Error(`${command}: no ${pattern} in ${timeoutMs} ms\n${stdout}\n${stderr}`)),
            ),
          timeoutMs,
        );
        const done = (settle: () => void): void => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      }),
    exited: (timeoutMs) =>
      Promise.race([
        exit,
        new Promise<never>((_, reject) =>
          setTimeout(
            () => reject(new Error(`${command}: did not exit in ${timeoutMs} ms\n${stdout}\n${stderr}`)),
            timeoutMs,
          ).unref(),
        ),
      ]),
    stop: () => {
      if (exitCode !== undefined || child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    },
  };
}

/** The path of a Node binary of that major version: this one, or the registry's `node` package via npx. */
export async function nodeBinary(major: number): Promise<string> {
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  const ran = await runOk('npx', ['-y', `node@${major}`, '-p', 'process.execPath'], {
    cwd: process.cwd(),
    env: strangerEnv(process.execPath),
  });
  const path = ran.stdout.trim().split('\n').pop() ?? '';
  const version = (await runOk(path, ['--version'], { cwd: process.cwd(), env: process.env })).stdout.trim();
  if (!version.startsWith(`v${major}.`))
    throw new Error(`npx node@${major} gave ${path}, which is ${version}`);
  return path;
}

export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

export async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

/** Apparent size of every file under `dir`, bytes (what `du --apparent-size` counts, without directories). */
export function sizeOf(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += sizeOf(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** The biggest installed packages under a node_modules directory. */
export function packageSizes(modules: string): { name: string; bytes: number }[] {
  const sizes: { name: string; bytes: number }[] = [];
  for (const entry of readdirSync(modules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const path = join(modules, entry.name);
    if (entry.name.startsWith('@')) {
      for (const scoped of readdirSync(path, { withFileTypes: true }))
        if (scoped.isDirectory())
          sizes.push({ name: `${entry.name}/${scoped.name}`, bytes: sizeOf(join(path, scoped.name)) });
    } else sizes.push({ name: entry.name, bytes: sizeOf(path) });
  }
  return sizes.sort((a, b) => b.bytes - a.bytes);
}

/** `1.23 MB` (10^6 bytes, as npm and registries count). */
export function mb(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(2)} MB` : `${Math.round(bytes / 1e3)} kB`;
}
