import { InvalidOptionError } from '@handoff/protocol';
import { describe, expect, it } from 'vitest';
import { helpText, parseCli } from '../src/cli-options.js';

function options(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const request = parseCli(argv, env);
  if (request.help) throw new Error('help');
  return request.options;
}

describe('cluster options on the command line (#13)', () => {
  it('--redis, --public-url and --node-id', () => {
    expect(
      options([
        '--redis',
        'redis://10.0.0.5:6379/1',
        '--public-url',
        'wss://lobby-2.example.com/',
        '--node-id',
        'lobby-2',
      ]),
    ).toMatchObject({
      redis: 'redis://10.0.0.5:6379/1',
      publicUrl: 'wss://lobby-2.example.com/',
      nodeId: 'lobby-2',
    });
  });

  it('HANDOFF_REDIS_URL, HANDOFF_PUBLIC_URL, HANDOFF_NODE_ID; flags win', () => {
    const env = {
      HANDOFF_REDIS_URL: 'rediss://cache:6380',
      HANDOFF_PUBLIC_URL: 'ws://10.0.0.2:8080/',
      HANDOFF_NODE_ID: 'n2',
    };
    expect(options([], env)).toMatchObject({
      redis: 'rediss://cache:6380',
      publicUrl: 'ws://10.0.0.2:8080/',
      nodeId: 'n2',
    });
    expect(options(['--redis', 'redis://other'], env).redis).toBe('redis://other');
  });

  it('without them: no cluster', () => {
    const parsed = options([]);
    expect(parsed.redis).toBeUndefined();
    expect(parsed.publicUrl).toBeUndefined();
  });

  it.each([[['--redis', 'http://x']], [['--public-url', 'http://x']], [['--node-id', 'bad id']]])(
    'refuses %j',
    (argv) => {
      expect(() => parseCli(argv, {})).toThrow(InvalidOptionError);
    },
  );

  it('--redis-command-timeout-ms / HANDOFF_REDIS_COMMAND_TIMEOUT_MS (a stalled Redis answers Unavailable this fast)', () => {
    expect(options(['--redis-command-timeout-ms', '250']).redisCommandTimeoutMs).toBe(250);
    expect(options([], { HANDOFF_REDIS_COMMAND_TIMEOUT_MS: '800' }).redisCommandTimeoutMs).toBe(800);
    expect(options([]).redisCommandTimeoutMs).toBeUndefined();
    expect(() => parseCli(['--redis-command-timeout-ms', '0'], {})).toThrow(InvalidOptionError);
    expect(helpText()).toMatch(/--redis-command-timeout-ms.*default 500/s);
  });

  it('the help names them', () => {
    expect(helpText()).toMatch(/--redis <url>.*HANDOFF_REDIS_URL/s);
    expect(helpText()).toContain('--public-url');
    expect(helpText()).toContain('--node-id');
  });
});
