import { parseArgs } from 'node:util';
import { InvalidOptionError } from '@handoff/protocol';
import type { IceServer } from '@handoff/protocol/lobby';
import {
  DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
  DEFAULT_RELAY_FLUSH_WINDOW_MS,
  LOBBY_LIMIT_DEFAULTS,
  type LobbyLimitOptions,
  type LobbyServerOptions,
  MIN_RESUME_SECRET_LENGTH,
} from './options.js';
import { DEFAULT_TURN_TTL_SECONDS } from './turn-credentials.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** `maxRelayPayloadBytes` → `max-relay-payload-bytes`. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `maxRelayPayloadBytes` → `HANDOFF_MAX_RELAY_PAYLOAD_BYTES`. */
function envName(name: string): string {
  return `HANDOFF_${kebab(name).replace(/-/g, '_').toUpperCase()}`;
}

const LIMIT_NAMES = Object.keys(LOBBY_LIMIT_DEFAULTS) as (keyof LobbyLimitOptions)[];

/** Help text of `handoff-lobby --help`. */
export function helpText(): string {
  const limits = LIMIT_NAMES.map(
    (name) =>
      `  --${kebab(name).padEnd(30)} ${String(LOBBY_LIMIT_DEFAULTS[name]).padStart(8)}   (${envName(name)})`,
  );
  return [
    'handoff-lobby — the Handoff lobby server: rooms, signaling, relay and STUN in one process.',
    '',
    'Usage: handoff-lobby [options]',
    '',
    'Options (environment variable in parentheses):',
    '  --port <n>              TCP port for WebSocket + HTTP (default 8080; PORT or HANDOFF_PORT)',
    '  --host <addr>           address to bind (default 0.0.0.0; HANDOFF_HOST)',
    '  --path <path>           WebSocket path (default: any; HANDOFF_PATH)',
    '  --stun-port <n>         UDP port of the built-in STUN responder (default 3478; HANDOFF_STUN_PORT)',
    '  --no-stun               turn the built-in STUN responder off (HANDOFF_NO_STUN=1)',
    '  --stun-host <host>      host name clients use for the built-in STUN (default: the WebSocket host)',
    '  --stun-software <text>  SOFTWARE attribute in STUN replies (default none: replies stay minimal;',
    '                          HANDOFF_STUN_SOFTWARE)',
    '  --ice-server <url|json> extra STUN/TURN server for clients, repeatable; a URL or',
    `                          '{"urls":"turn:host:3478","username":"u","credential":"p"}' (HANDOFF_ICE_SERVERS, JSON array)`,
    '  --resume-secret <s>     seals room tickets: with the same secret, a restarted lobby puts',
    '                          players back into their rooms (≥ 16 chars; prefer HANDOFF_RESUME_SECRET:',
    '                          flags show in `ps`). Default: random per run, a restart ends every room',
    '  --redis <url>           run as one node of a cluster over Redis, e.g. redis://10.0.0.5:6379',
    '                          (HANDOFF_REDIS_URL; see docs/scaling.md). Default: one process, no Redis',
    '  --public-url <url>      WebSocket URL clients reach this node at (redirects point there;',
    '                          HANDOFF_PUBLIC_URL). Default ws://<host>:<port>/',
    "  --node-id <id>          this node's id in the cluster (HANDOFF_NODE_ID). Default: random",
    '  --redis-command-timeout-ms <n>  a Redis command unanswered this long fails: a stalled Redis',
    `                          answers error Unavailable this fast (default ${DEFAULT_REDIS_COMMAND_TIMEOUT_MS}; HANDOFF_REDIS_COMMAND_TIMEOUT_MS)`,
    '  --trust-proxy           take client IPs from X-Forwarded-For (HANDOFF_TRUST_PROXY=1)',
    '  --no-metrics            do not serve GET /metrics (HANDOFF_NO_METRICS=1)',
    '  --turn-url <url>        a TURN server sharing --turn-secret, repeatable (HANDOFF_TURN_URLS, comma-separated)',
    '  --turn-secret <s>       coturn static-auth-secret: each player gets short-lived credentials',
    '                          (prefer HANDOFF_TURN_SECRET: flags show in `ps`)',
    `  --turn-ttl-seconds <n>  lifetime of a TURN credential (default ${DEFAULT_TURN_TTL_SECONDS}; renewed at half-life)`,
    '  --admin-token <t>       turn on the admin API (/admin/...) and the /monitor page behind this',
    '                          bearer token (≥ 16 chars; prefer HANDOFF_ADMIN_TOKEN: flags show in `ps`)',
    `  --relay-flush-window-ms <n>  relayed datagrams may wait this long to share a frame per recipient`,
    `                          (default ${DEFAULT_RELAY_FLUSH_WINDOW_MS}; HANDOFF_RELAY_FLUSH_WINDOW_MS)`,
    `  --log-level <level>     ${LOG_LEVELS.join(' | ')} (default info; HANDOFF_LOG_LEVEL)`,
    '  --help                  this text',
    '',
    'Limits (defaults shown):',
    ...limits,
    '',
    'HTTP: GET /healthz (200, or 503 while shutting down), GET /metrics (Prometheus).',
    'SIGTERM/SIGINT: stop accepting, close clients with 4008, drain, exit 0.',
  ].join('\n');
}

/** What the command line asks for. */
export type CliRequest = { help: true } | { help: false; options: LobbyServerOptions };

/**
 * Parses flags (which win) and `HANDOFF_*` environment variables into lobby
 * options. Throws `InvalidOptionError` with a message naming the flag.
 */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliRequest {
  const limitFlags = Object.fromEntries(
    LIMIT_NAMES.map((name) => [kebab(name), { type: 'string' as const }]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        path: { type: 'string' },
        'stun-port': { type: 'string' },
        'no-stun': { type: 'boolean' },
        'stun-host': { type: 'string' },
        'stun-software': { type: 'string' },
        'ice-server': { type: 'string', multiple: true },
        'resume-secret': { type: 'string' },
        redis: { type: 'string' },
        'public-url': { type: 'string' },
        'node-id': { type: 'string' },
        'redis-command-timeout-ms': { type: 'string' },
        'trust-proxy': { type: 'boolean' },
        'no-metrics': { type: 'boolean' },
        'relay-flush-window-ms': { type: 'string' },
        'admin-token': { type: 'string' },
        'turn-url': { type: 'string', multiple: true },
        'turn-secret': { type: 'string' },
        'turn-ttl-seconds': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...limitFlags,
      },
    });
  } catch (error) {
    throw new InvalidOptionError((error as Error).message);
  }
  const flags = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (flags.help === true) return { help: true };
  const text = (flag: string, ...vars: string[]): string | undefined => {
    const value = flags[flag];
    if (typeof value === 'string') return value;
    for (const name of vars) if (env[name] !== undefined && env[name] !== '') return env[name];
    return undefined;
  };
  const truthy = (flag: string, variable: string): boolean =>
    flags[flag] === true || ['1', 'true', 'yes'].includes((env[variable] ?? '').toLowerCase());
  const options: LobbyServerOptions = {};
  const port = text('port', 'HANDOFF_PORT', 'PORT');
  if (port !== undefined) options.port = integer('--port', port, 0, 65535);
  const host = text('host', 'HANDOFF_HOST');
  if (host !== undefined) options.host = host;
  const path = text('path', 'HANDOFF_PATH');
  if (path !== undefined) options.path = path;
  const stunPort = text('stun-port', 'HANDOFF_STUN_PORT');
  options.stunPort = truthy('no-stun', 'HANDOFF_NO_STUN')
    ? false
    : stunPort === undefined
      ? 3478
      : integer('--stun-port', stunPort, 0, 65535);
  const stunHost = text('stun-host', 'HANDOFF_STUN_HOST');
  if (stunHost !== undefined) options.stunHost = stunHost;
  const stunSoftware = text('stun-software', 'HANDOFF_STUN_SOFTWARE');
  if (stunSoftware !== undefined) options.stunSoftware = stunSoftware;
  const ice = (flags['ice-server'] as string[] | undefined) ?? envIceServers(env.HANDOFF_ICE_SERVERS);
  if (ice.length > 0) options.iceServers = ice.map(iceServer);
  const resumeSecret = text('resume-secret', 'HANDOFF_RESUME_SECRET');
  if (resumeSecret !== undefined) {
    if (resumeSecret.length < MIN_RESUME_SECRET_LENGTH) {
      throw new InvalidOptionError(`--resume-secret: at least ${MIN_RESUME_SECRET_LENGTH} characters`);
    }
    options.resumeSecret = resumeSecret;
  }
  const redis = text('redis', 'HANDOFF_REDIS_URL');
  if (redis !== undefined) {
    if (!/^rediss?:\/\//.test(redis))
      throw new InvalidOptionError('--redis: expected a redis:// or rediss:// URL');
    options.redis = redis;
  }
  const publicUrl = text('public-url', 'HANDOFF_PUBLIC_URL');
  if (publicUrl !== undefined) {
    if (!/^wss?:\/\/\S+$/.test(publicUrl))
      throw new InvalidOptionError('--public-url: expected a ws:// or wss:// URL');
    options.publicUrl = publicUrl;
  }
  const nodeId = text('node-id', 'HANDOFF_NODE_ID');
  if (nodeId !== undefined) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(nodeId))
      throw new InvalidOptionError('--node-id: [A-Za-z0-9_-], at most 64');
    options.nodeId = nodeId;
  }
  const commandTimeout = text('redis-command-timeout-ms', 'HANDOFF_REDIS_COMMAND_TIMEOUT_MS');
  if (commandTimeout !== undefined)
    options.redisCommandTimeoutMs = integer('--redis-command-timeout-ms', commandTimeout, 10, 60_000);
  if (truthy('trust-proxy', 'HANDOFF_TRUST_PROXY')) options.trustProxy = true;
  if (truthy('no-metrics', 'HANDOFF_NO_METRICS')) options.metrics = false;
  const turnUrls =
    (flags['turn-url'] as string[] | undefined) ??
    (env.HANDOFF_TURN_URLS ?? '')
      .split(',')
      .map((url) => url.trim())
      .filter((url) => url !== '');
  const turnSecret = text('turn-secret', 'HANDOFF_TURN_SECRET');
  if (turnUrls.length > 0 || turnSecret !== undefined) {
    if (turnUrls.length === 0 || turnSecret === undefined)
      throw new InvalidOptionError('--turn-url and --turn-secret go together');
    const ttl = text('turn-ttl-seconds', 'HANDOFF_TURN_TTL_SECONDS');
    options.turn = {
      secret: turnSecret,
      urls: turnUrls,
      ...(ttl === undefined ? {} : { ttlSeconds: integer('--turn-ttl-seconds', ttl, 60, 86_400) }),
    };
  }
  const adminToken = text('admin-token', 'HANDOFF_ADMIN_TOKEN');
  if (adminToken !== undefined) {
    if (adminToken.length < 16) throw new InvalidOptionError('--admin-token: at least 16 characters');
    options.adminToken = adminToken;
  }
  const flushWindow = text('relay-flush-window-ms', 'HANDOFF_RELAY_FLUSH_WINDOW_MS');
  if (flushWindow !== undefined)
    options.relayFlushWindowMs = integer('--relay-flush-window-ms', flushWindow, 0, 100);
  const level = text('log-level', 'HANDOFF_LOG_LEVEL');
  if (level !== undefined) {
    if (!(LOG_LEVELS as readonly string[]).includes(level)) {
      throw new InvalidOptionError(`--log-level: one of ${LOG_LEVELS.join(', ')}`);
    }
    options.logLevel = level as (typeof LOG_LEVELS)[number];
  }
  const limits: Partial<LobbyLimitOptions> = {};
  for (const name of LIMIT_NAMES) {
    const value = text(kebab(name), envName(name));
    if (value !== undefined) limits[name] = integer(`--${kebab(name)}`, value, 1, Number.MAX_SAFE_INTEGER);
  }
  if (Object.keys(limits).length > 0) options.limits = limits;
  return { help: false, options };
}

function integer(flag: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new InvalidOptionError(`${flag}: expected an integer in [${min}, ${max}], got "${value}"`);
  }
  return number;
}

function envIceServers(value: string | undefined): string[] {
  if (value === undefined || value === '') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed))
      return parsed.map((entry) => (typeof entry === 'string' ? entry : JSON.stringify(entry)));
  } catch {
    // Fall through: a comma-separated list of URLs.
  }
  return value.split(',').map((entry) => entry.trim());
}

function iceServer(value: string): IceServer {
  if (!value.startsWith('{')) {
    if (!/^(stun|stuns|turn|turns):\S+$/.test(value))
      throw new InvalidOptionError(`--ice-server: not a STUN/TURN URL: ${value}`);
    return { urls: value };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidOptionError(`--ice-server: invalid JSON: ${value}`);
  }
  const record = parsed as Partial<IceServer>;
  if (typeof record.urls !== 'string' && !Array.isArray(record.urls)) {
    throw new InvalidOptionError('--ice-server: JSON needs "urls"');
  }
  return {
    urls: record.urls,
    ...(typeof record.username === 'string' ? { username: record.username } : {}),
    ...(typeof record.credential === 'string' ? { credential: record.credential } : {}),
  };
}
