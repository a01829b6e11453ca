import type { ExpectedPath } from './checks.js';

/** Which kinds of router reach each other directly (the NAT matrix's rows). */
const DIRECT_PAIRS = new Set(['easy/easy', 'easy/fullcone', 'fullcone/fullcone', 'fullcone/hard']);

/** A player's router kind from its lab name (`easy0`, `udp-blocked4`, `private5`). */
function kindOf(name: string): string {
  return name.replace(/[0-9.]+$/, '');
}

/**
 * The path a pair of a mixed room must end on, from the players' names:
 * relay when either plays in privacy mode or sits behind a router that drops
 * UDP; otherwise what the NAT matrix says for the two router kinds.
 */
export function expectedPath(a: string, b: string): ExpectedPath {
  const [x, y] = [kindOf(a), kindOf(b)].sort() as [string, string];
  if ([x, y].some((kind) => kind === 'private' || kind === 'udp-blocked')) return 'relay';
  return DIRECT_PAIRS.has(`${x}/${y}`) ? 'direct' : 'relay';
}
