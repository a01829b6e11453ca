import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

/** Why cluster tests skip here, or undefined when Debian's `redis-server` is installed. */
export function redisMissing(): string | undefined {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'redis-server is not installed (apt-get install redis-server): cluster tests skipped';
  }
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A throwaway Redis on a free port: no persistence, killed by `stop`. */
export class TestRedis {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  /** `redis://127.0.0.1:<port>`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /**
   * Starts a Redis of its own. A free port can be taken by another test's
   * server between `freePort()` and the bind (test files run in parallel):
   * then that other Redis would answer here and the tests would share keys,
   * so a start only counts when the server that answers is this child.
   */
  static async start(port?: number): Promise<TestRedis> {
    for (let attempt = 0; ; attempt++) {
      const redis = new TestRedis(port ?? (await freePort()));
      try {
        await redis.restart();
        return redis;
      } catch (error) {
        await redis.stop();
        if (port !== undefined || attempt >= 5) throw error;
      }
    }
  }

  /** Starts (again, on the same port: a restart loses every key). */
  async restart(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.child = child;
    const deadline = Date.now() + 5000;
    for (;;) {
      const pid = await serverPid(this.port);
      if (pid === child.pid) return;
      if (pid !== undefined || child.exitCode !== null)
        throw new Error(`port ${this.port} is another redis-server's (pid ${pid ?? '?'})`);
      if (Date.now() > deadline) throw new Error('redis-server did not start');
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  }

  /** Freezes it (SIGSTOP): the port still accepts connections and bytes, nothing answers. */
  freeze(): void {
    this.child?.kill('SIGSTOP');
  }

  /** Lets a frozen Redis run again (SIGCONT). */
  thaw(): void {
    this.child?.kill('SIGCONT');
  }

  /** Kills it (SIGKILL) and waits for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

/** The process id of the Redis answering on the port (`INFO server`), or undefined if none answers. */
function serverPid(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let text = '';
    socket.once('error', () => resolve(undefined));
    socket.once('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (data) => {
      text += data.toString();
      const pid = /process_id:(\d+)/.exec(text);
      if (pid === null && !text.includes('\r\n\r\n') && !text.startsWith('-')) return;
      socket.destroy();
      resolve(pid === null ? undefined : Number(pid[1]));
    });
  });
}
