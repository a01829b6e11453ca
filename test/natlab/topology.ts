import { trackNamespace, untrackNamespace } from './cleanup.js';
import { mustRun } from './exec.js';
import { deleteNamespace, labNamespaces } from './lab-names.js';
import { LAN, lossRule, type NatKind, natRules, WAN } from './nat-rules.js';

/** One NAT router of a lab and the hosts behind it. */
export interface RouterSpec {
  kind: NatKind;
  /** Hosts (players' machines) behind it: 1, or 2 for `same-lan`. */
  hosts: number;
  /** Its players play in privacy mode (`direct: 'never'`). */
  privacy?: boolean;
  /** Its players play in privacy mode over TURN (`direct: 'turn-only'`). */
  turnOnly?: boolean;
}

/** A router as built. */
export interface LabRouter {
  kind: NatKind;
  namespace: string;
  /** Its public address on the lab's internet. */
  wanAddress: string;
  hosts: LabHost[];
}

/** A player's machine as built. */
export interface LabHost {
  namespace: string;
  /** Its private LAN address. */
  address: string;
}

/** A built lab: a `pub` namespace (the internet, where the servers live) and routers with hosts. */
export interface Lab {
  pub: string;
  /** Where the servers listen inside `pub` (RFC 2544 benchmark range, never routed anywhere real). */
  serverAddress: string;
  routers: LabRouter[];
  /** Every namespace, `pub` first. */
  namespaces: string[];
}

/** The servers' address: on `pub`'s loopback, reachable from every router through `pub`'s routes. */
export const SERVER_ADDRESS = '198.18.0.1';

const ip = (namespace: string, ...args: string[]): Promise<string> =>
  mustRun('ip', ['-n', namespace, ...args]);
const exec = (namespace: string, ...args: string[]): Promise<string> =>
  mustRun('ip', ['netns', 'exec', namespace, ...args]);

/** A fresh namespace: loopback up, IPv6 off (the lab is about IPv4 NATs), optionally forwarding. */
async function addNamespace(name: string, forwarding: boolean): Promise<void> {
  await mustRun('ip', ['netns', 'add', name]);
  trackNamespace(name);
  const sysctls = ['net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'];
  if (forwarding) sysctls.push('net.ipv4.ip_forward=1');
  await exec(name, 'sysctl', '-qw', ...sysctls);
  await ip(name, 'link', 'set', 'lo', 'up');
}

async function buildRouter(
  prefix: string,
  pub: string,
  index: number,
  spec: RouterSpec,
  lossProbability: number,
): Promise<LabRouter> {
  const n = index + 1;
  const namespace = `${prefix}r${index}`;
  const wanAddress = `198.18.${n}.2`;
  await addNamespace(namespace, true);
  // Both ends are created inside the lab: nothing touches the root namespace.
  await ip(namespace, 'link', 'add', WAN, 'type', 'veth', 'peer', 'name', `r${index}`, 'netns', pub);
  await ip(pub, 'addr', 'add', `198.18.${n}.1/24`, 'dev', `r${index}`);
  await ip(pub, 'link', 'set', `r${index}`, 'up');
  await ip(namespace, 'addr', 'add', `${wanAddress}/24`, 'dev', WAN);
  await ip(namespace, 'link', 'set', WAN, 'up');
  await ip(namespace, 'route', 'add', 'default', 'via', `198.18.${n}.1`);
  await ip(namespace, 'link', 'add', LAN, 'type', 'bridge');
  await ip(namespace, 'addr', 'add', `10.${n}.0.1/24`, 'dev', LAN);
  await ip(namespace, 'link', 'set', LAN, 'up');
  const hosts: LabHost[] = [];
  for (let h = 0; h < spec.hosts; h++) {
    const host = { namespace: `${prefix}h${index}${h}`, address: `10.${n}.0.${10 + h}` };
    await addNamespace(host.namespace, false);
    await ip(
      namespace,
      'link',
      'add',
      `h${h}`,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      host.namespace,
    );
    await ip(namespace, 'link', 'set', `h${h}`, 'master', LAN);
    await ip(namespace, 'link', 'set', `h${h}`, 'up');
    await ip(host.namespace, 'addr', 'add', `${host.address}/24`, 'dev', 'eth0');
    await ip(host.namespace, 'link', 'set', 'eth0', 'up');
    await ip(host.namespace, 'route', 'add', 'default', 'via', `10.${n}.0.1`);
    hosts.push(host);
  }
  const rules = natRules(
    spec.kind,
    hosts.map((host) => host.address),
  );
  if (lossProbability > 0) rules.push(lossRule(lossProbability));
  for (const rule of rules) await exec(namespace, 'iptables', ...rule);
  return { kind: spec.kind, namespace, wanAddress, hosts };
}

/**
 * Builds a lab: `<prefix>pub` (the internet: forwards between routers, holds
 * {@link SERVER_ADDRESS}; no default route, so nothing leaves the lab), and per
 * router `<prefix>r<i>` with hosts `<prefix>h<i><j>` on its LAN bridge.
 * `lossProbability` > 0 drops that share of what each router sends out of its `wan` (see `lossRule`).
 */
export async function buildLab(
  prefix: string,
  routers: readonly RouterSpec[],
  lossProbability = 0,
): Promise<Lab> {
  const pub = `${prefix}pub`;
  await addNamespace(pub, true);
  await ip(pub, 'addr', 'add', `${SERVER_ADDRESS}/32`, 'dev', 'lo');
  const built = await Promise.all(
    routers.map((spec, index) => buildRouter(prefix, pub, index, spec, lossProbability)),
  );
  return {
    pub,
    serverAddress: SERVER_ADDRESS,
    routers: built,
    namespaces: [
      pub,
      ...built.flatMap((router) => [router.namespace, ...router.hosts.map((host) => host.namespace)]),
    ],
  };
}

/** Deletes every namespace with this prefix, built or half-built (and kills what still runs in them). */
export async function destroyLab(prefix: string): Promise<void> {
  for (const name of (await labNamespaces()).filter((namespace) => namespace.startsWith(prefix))) {
    await deleteNamespace(name);
    untrackNamespace(name);
  }
}
