import { runCommand } from './exec.js';

/** Whether the lab can run here, and why not. */
export type Preflight = { ok: true; installed: string[] } | { ok: false; reason: string };

/** Debian packages that provide the tools the lab runs (tool → package). */
const TOOLS: Readonly<Record<string, string>> = {
  iptables: 'iptables',
  conntrack: 'conntrack',
  turnserver: 'coturn',
};

async function has(tool: string): Promise<boolean> {
  return (await runCommand('sh', ['-c', `command -v ${tool}`])).code === 0;
}

/**
 * Checks that the lab can run (root, `ip netns` works) and installs missing
 * system packages with apt. Anything it cannot fix becomes the skip reason.
 */
export async function preflight(probeNamespace: string): Promise<Preflight> {
  if (process.platform !== 'linux') return { ok: false, reason: `needs Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'needs root (network namespaces and iptables)' };
  if (!(await has('ip'))) return { ok: false, reason: 'the `ip` tool (iproute2) is missing' };
  const add = await runCommand('ip', ['netns', 'add', probeNamespace]);
  if (add.code !== 0) return { ok: false, reason: `\`ip netns add\` fails: ${add.stderr.trim()}` };
  await runCommand('ip', ['netns', 'del', probeNamespace]);
  const missing: string[] = [];
  for (const [tool, pkg] of Object.entries(TOOLS)) if (!(await has(tool))) missing.push(pkg);
  if (missing.length > 0) {
    if (!(await has('apt-get'))) return { ok: false, reason: `missing ${missing.join(', ')} and no apt-get` };
    process.stdout.write(`natlab: installing ${missing.join(', ')} with apt-get\n`);
    const env = 'DEBIAN_FRONTEND=noninteractive';
    const install = await runCommand(
      'sh',
      ['-c', `apt-get update -qq && ${env} apt-get install -y -qq ${missing.join(' ')}`],
      300_000,
    );
    if (install.code !== 0)
      return { ok: false, reason: `apt-get install ${missing.join(' ')} failed: ${install.stderr.trim()}` };
  }
  for (const tool of Object.keys(TOOLS))
    if (!(await has(tool))) return { ok: false, reason: `${tool} is still missing after installing` };
  return { ok: true, installed: missing };
}
