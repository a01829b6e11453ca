/**
 * The NAT behaviours a lab router can have (RFC 4787 terms):
 *
 * - `easy`: port-restricted cone — endpoint-independent mapping (MASQUERADE
 *   keeps the source port), address-and-port-dependent filtering (conntrack).
 * - `hard`: symmetric — endpoint-dependent mapping (`--random-fully` picks a
 *   new port per destination).
 * - `fullcone`: endpoint-independent mapping and filtering (every inbound
 *   UDP datagram is forwarded to the one host).
 * - `udp-blocked`: no UDP crosses the router at all (TCP to the lobby only).
 */
export type NatKind = 'easy' | 'hard' | 'fullcone' | 'udp-blocked';

/** Names of a router's interfaces: `wan` toward the lab's internet, `lan` the bridge to its hosts. */
export const WAN = 'wan';
export const LAN = 'lan';

/** Comment on the rule whose counter counts the UDP a `udp-blocked` router dropped. */
export const UDP_BLOCK_COMMENT = 'natlab-udp-block';

/**
 * The iptables invocations (arguments after `iptables`) that give a router
 * its NAT behaviour. `hosts` are the LAN addresses behind it; `fullcone`
 * needs exactly one.
 */
export function natRules(kind: NatKind, hosts: readonly string[]): string[][] {
  const masquerade = ['-t', 'nat', '-A', 'POSTROUTING', '-o', WAN, '-j', 'MASQUERADE'];
  const rules: string[][] = [
    kind === 'hard' ? [...masquerade, '--random-fully'] : masquerade,
    // A stateful firewall: the LAN may go out, only replies come in.
    ['-P', 'FORWARD', 'DROP'],
    ['-A', 'FORWARD', '-i', LAN, '-o', WAN, '-j', 'ACCEPT'],
    // Hosts on one LAN talk freely (a switch, not a firewall; matters where br_netfilter is loaded).
    ['-A', 'FORWARD', '-i', LAN, '-o', LAN, '-j', 'ACCEPT'],
    [
      '-A',
      'FORWARD',
      '-i',
      WAN,
      '-o',
      LAN,
      '-m',
      'conntrack',
      '--ctstate',
      'ESTABLISHED,RELATED',
      '-j',
      'ACCEPT',
    ],
  ];
  if (kind === 'fullcone') {
    const host = hosts[0];
    if (host === undefined || hosts.length !== 1)
      throw new Error('a fullcone router forwards to exactly one host');
    // Endpoint-independent filtering: any sender reaches the host on any UDP port.
    rules.push([
      '-t',
      'nat',
      '-A',
      'PREROUTING',
      '-i',
      WAN,
      '-p',
      'udp',
      '-j',
      'DNAT',
      '--to-destination',
      host,
    ]);
    rules.push(['-A', 'FORWARD', '-i', WAN, '-o', LAN, '-p', 'udp', '-d', host, '-j', 'ACCEPT']);
  } else {
    // Without this, a peer's early check to the router creates the router's own
    // conntrack entry for that port, and the host's punch then gets another port.
    rules.push(['-A', 'INPUT', '-i', WAN, '-p', 'udp', '-j', 'DROP']);
  }
  if (kind === 'udp-blocked') {
    rules.push([
      '-I',
      'FORWARD',
      '1',
      '-p',
      'udp',
      '-m',
      'comment',
      '--comment',
      UDP_BLOCK_COMMENT,
      '-j',
      'DROP',
    ]);
  }
  return rules;
}

/**
 * iptables arguments that drop a random fraction of what a router sends out
 * of its `wan`: what `netem loss` on the uplink's egress would do (netem is
 * not in this kernel). Between two such routers every packet crosses one
 * lossy uplink, so each direction loses that fraction.
 */
export function lossRule(probability: number): string[] {
  if (!(probability > 0 && probability < 1))
    throw new Error(`loss probability must be in (0, 1): ${probability}`);
  const random = ['-m', 'statistic', '--mode', 'random', '--probability', String(probability)];
  return ['-I', 'FORWARD', '1', '-o', WAN, ...random, '-j', 'DROP'];
}
