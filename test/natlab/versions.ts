import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './exec.js';

function packageVersion(cwd: string, path: string): string {
  try {
    return (JSON.parse(readFileSync(join(cwd, path, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

/** Versions of everything the matrix depends on, for its header. */
export async function collectVersions(cwd: string): Promise<Record<string, string>> {
  const iptables = (await runCommand('iptables', ['--version'])).stdout.trim().replace(/^iptables /, '');
  const coturn = (await runCommand('turnserver', ['--version'])).stdout.trim().split('\n')[0] ?? '?';
  return {
    Node: process.version,
    Linux: release(),
    iptables,
    coturn,
    'node-datachannel': packageVersion(cwd, 'node_modules/node-datachannel'),
    '@handoff/transport': packageVersion(cwd, 'packages/transport'),
    '@handoff/lobby': packageVersion(cwd, 'packages/lobby'),
  };
}
