import { inNamespace } from './exec.js';
import { UDP_BLOCK_COMMENT } from './nat-rules.js';

/** Drop rules in `pub` that cut the direct path between two routers (both directions). */
function blackholeRules(a: string, b: string): string[][] {
  return [
    ['FORWARD', '-s', a, '-d', b, '-j', 'DROP'],
    ['FORWARD', '-s', b, '-d', a, '-j', 'DROP'],
  ];
}

/**
 * Cuts every packet between two routers' public addresses in `pub` (the
 * relay, through the lobby, still works). Returns `Date.now()` taken just
 * before the rules went in: timings measured from it can only come out longer.
 */
export async function blackhole(pub: string, a: string, b: string): Promise<number> {
  const at = Date.now();
  for (const rule of blackholeRules(a, b)) await inNamespace(pub, 'iptables', ['-I', ...rule]);
  return at;
}

/** Removes {@link blackhole}'s rules; returns `Date.now()` taken just before. */
export async function removeBlackhole(pub: string, a: string, b: string): Promise<number> {
  const at = Date.now();
  for (const rule of blackholeRules(a, b)) await inNamespace(pub, 'iptables', ['-D', ...rule]);
  return at;
}

/** Empties a router's conntrack table: every NAT mapping and firewall state is forgotten at once. */
export async function flushConntrack(router: string): Promise<number> {
  const at = Date.now();
  await inNamespace(router, 'conntrack', ['-F']);
  return at;
}

/** Packets the `udp-blocked` rule of a router dropped so far (its iptables counter). */
export async function udpDropped(router: string): Promise<number> {
  const listing = await inNamespace(router, 'iptables', ['-L', 'FORWARD', '-v', '-x', '-n']);
  const line = listing.split('\n').find((row) => row.includes(UDP_BLOCK_COMMENT));
  if (line === undefined) throw new Error(`no ${UDP_BLOCK_COMMENT} rule in ${router}`);
  return Number(line.trim().split(/\s+/)[0]);
}
