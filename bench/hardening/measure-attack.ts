/**
 * One sustained attack against the lobby child, with the calm room's relay
 * round trips measured in a baseline window right before it and in the
 * attack window, and the CPU the lobby (and everything else) used.
 */
import { hostBusySeconds, processCpuTimes } from '../../packages/lobby/bench/load/proc-stats.js';
import { type Attack, until } from '../../test/abuse/support/attacks.js';
import type { CalmReport, LobbyProcess } from '../../test/abuse/support/lobby-process.js';

/** How long each phase of a measurement lasts, ms. */
export interface AttackTiming {
  /** After the previous attack, before the baseline: its leftovers (closing sockets) settle. */
  cooldownMs: number;
  /** The baseline window, right before the attack. */
  baselineMs: number;
  /** The attack, sustained. */
  attackMs: number;
  /** After the attack, before reporting: the datagrams still in flight come back (or are lost). */
  drainMs: number;
}

/** CPU used during a window, % of one core. */
export interface WindowCpu {
  /** The lobby child (with its calm room), from /proc. */
  lobby: number;
  /** Every other process on the host (the host's busy time minus the lobby and this process). */
  other: number;
}

/** One attack, measured once. */
export interface AttackSample {
  baseline: CalmReport;
  during: CalmReport;
  baselineCpu: WindowCpu;
  attackCpu: WindowCpu;
  /** The attack's outcomes while it ran (the round under way at the deadline included). */
  tally: Record<string, number>;
  /** Attempts (requests or sockets) per second of the attack window. */
  attemptsPerSecond: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Measures the CPU used while `body` runs. */
async function cpuDuring(lobby: LobbyProcess, body: () => Promise<void>): Promise<WindowCpu> {
  const own = (): number => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
  const lobbySeconds = (): number => {
    const times = processCpuTimes(lobby.pid);
    return times.user + times.system;
  };
  const [lobbyStart, hostStart, ownStart, started] = [
    lobbySeconds(),
    hostBusySeconds(),
    own(),
    performance.now(),
  ];
  await body();
  const seconds = (performance.now() - started) / 1000;
  const lobbyUsed = lobbySeconds() - lobbyStart;
  const otherUsed = hostBusySeconds() - hostStart - lobbyUsed - (own() - ownStart);
  return { lobby: (100 * lobbyUsed) / seconds, other: (100 * Math.max(0, otherUsed)) / seconds };
}

/**
 * Runs `attack` for `timing.attackMs`, right after a baseline window of the
 * calm room; the calm room's datagrams are counted by the window they were
 * sent in, reported after a drain (so lost means never echoed).
 */
export async function measureAttack(
  lobby: LobbyProcess,
  attack: Attack,
  timing: AttackTiming,
  from: string,
): Promise<AttackSample> {
  const cooldown = await lobby.mark();
  await sleep(timing.cooldownMs);
  const baselineWindow = await lobby.mark();
  const baselineCpu = await cpuDuring(lobby, () => sleep(timing.baselineMs));
  const attackWindow = await lobby.mark();
  let run: ReturnType<Attack['start']> | undefined;
  const attackCpu = await cpuDuring(lobby, async () => {
    run = attack.start(lobby.url, until(performance.now() + timing.attackMs), from);
    await sleep(timing.attackMs);
  });
  const after = await lobby.mark();
  // A stuck attack (a socket that never closes) must fail the suite, not hang the bench run.
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${attack.name}: still running 10 s after its deadline`)),
      10_000,
    );
  });
  await Promise.race([run!.done, stuck]).finally(() => clearTimeout(timer));
  await sleep(timing.drainMs);
  const tally = { ...run!.tally };
  const attempts = attack.attempts.reduce((sum, outcome) => sum + (tally[outcome] ?? 0), 0);
  for (const window of [cooldown, after]) await lobby.report(window);
  return {
    baseline: await lobby.report(baselineWindow),
    during: await lobby.report(attackWindow),
    baselineCpu,
    attackCpu,
    tally,
    attemptsPerSecond: attempts / (timing.attackMs / 1000),
  };
}
