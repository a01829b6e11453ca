import { parseArgs } from 'node:util';

/** What `npm run demo -- ...` asks for. */
export interface DemoOptions {
  /** TCP port of the page and the lobby. */
  port: number;
  /** Address to bind. */
  host: string;
  /** UDP port of the STUN responder. */
  stunPort: number;
  /** Bots to start. */
  bots: number;
  /** Terminal table instead of a page. */
  headless: boolean;
  /** Simulated internet latency (`SIMULATED_LAG`). */
  lag: boolean;
  /** Build the page first. */
  build: boolean;
  /** Print the help and exit. */
  help: boolean;
}

/** `npm run demo -- --help`. */
export const DEMO_HELP = `npm run demo -- [options]

Builds the arena page, starts a lobby (with its STUN responder), serves the
page, starts headless bots, and prints the URL to open.

  --port <n>        page + lobby TCP port (default 8080, env PORT; 0 = any free port)
  --host <addr>     address to bind (default 0.0.0.0: friends on your network can join)
  --stun-port <n>   STUN responder UDP port (default 3478; 0 = any free port)
  --bots <n>        headless bots to start (default 2)
  --headless        no browser: print a live table of peers, path and RTT
  --no-lag          no simulated internet lag (on one machine everything is then sub-ms)
  --no-build        serve the page built last time (examples/arena/dist)
  --help            this text`;

const integer = (name: string, text: string, min: number, max: number): number => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`--${name} must be an integer in ${min}..${max}, got ${text}`);
  return value;
};

/** Parses the command line (throws a readable `Error` on bad input). */
export function parseDemoOptions(argv: string[], env: NodeJS.ProcessEnv): DemoOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string', default: '0.0.0.0' },
      'stun-port': { type: 'string', default: '3478' },
      bots: { type: 'string', default: '2' },
      headless: { type: 'boolean', default: false },
      'no-lag': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  return {
    port: integer('port', values.port ?? env.PORT ?? '8080', 0, 65535),
    host: values.host,
    stunPort: integer('stun-port', values['stun-port'], 0, 65535),
    bots: integer('bots', values.bots, 0, 7),
    headless: values.headless,
    lag: !values['no-lag'],
    build: !values['no-build'],
    help: values.help,
  };
}
