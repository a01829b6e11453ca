import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { InvalidOptionError } from '@handoff/protocol';
import { describe, expect, it } from 'vitest';
import { helpText, parseCli } from '../src/cli-options.js';
import { RawClient } from './support/raw-client.js';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

describe('handoff-lobby CLI', () => {
  it('parses flags, which win over HANDOFF_* environment variables', () => {
    const request = parseCli(
      ['--port', '9000', '--no-stun', '--max-members-per-room', '8', '--ice-server', 'turn:t.example:3478'],
      { HANDOFF_PORT: '1234', HANDOFF_LOG_LEVEL: 'warn', HANDOFF_MAX_SEND_QUEUE_BYTES: '65536' },
    );
    expect(request).toEqual({
      help: false,
      options: {
        port: 9000,
        stunPort: false,
        iceServers: [{ urls: 'turn:t.example:3478' }],
        logLevel: 'warn',
        limits: { maxMembersPerRoom: 8, maxSendQueueBytes: 65536 },
      },
    });
  });

  it('reads TURN credentials as JSON and rejects bad values with the flag name', () => {
    const request = parseCli(['--ice-server', '{"urls":"turn:t:3478","username":"u","credential":"p"}'], {});
    expect(request.help === false && request.options.iceServers).toEqual([
      { urls: 'turn:t:3478', username: 'u', credential: 'p' },
    ]);
    expect(() => parseCli(['--port', 'eighty'], {})).toThrow(/--port/);
    expect(() => parseCli(['--ice-server', 'http://x'], {})).toThrow(InvalidOptionError);
    expect(() => parseCli(['--frobnicate'], {})).toThrow(InvalidOptionError);
  });

  it('takes the resume secret from HANDOFF_RESUME_SECRET (or the flag) and refuses a short one', () => {
    const request = parseCli([], { HANDOFF_RESUME_SECRET: 'sixteen-chars-ok' });
    expect(request.help === false && request.options.resumeSecret).toBe('sixteen-chars-ok');
    expect(() => parseCli(['--resume-secret', 'short'], {})).toThrow(/--resume-secret: at least 16/);
    expect(helpText()).toContain('--resume-secret');
    expect(helpText()).toContain('--max-room-ticket-age-ms');
  });

  it('documents every limit in --help', () => {
    const help = helpText();
    for (const flag of ['--max-payload-bytes', '--max-send-queue-bytes', '--resume-grace-ms', '--no-stun']) {
      expect(help).toContain(flag);
    }
  });

  it('runs a lobby, logs JSON, and shuts down gracefully on SIGTERM (clients get 4008, exit 0)', async () => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=handoff-source',
        '--import',
        'tsx',
        cli,
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--no-stun',
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const lines = createInterface({ input: child.stdout! });
    const port = await new Promise<number>((resolve, reject) => {
      lines.on('line', (line) => {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'lobby listening' && entry.port !== undefined) resolve(entry.port);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    const client = await RawClient.welcomed(`ws://127.0.0.1:${port}/`, 'p');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await client.closed).toBe(4008);
    expect(await exited).toBe(0);
  }, 20_000);
});
