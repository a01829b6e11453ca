import { setTimeout as sleep } from 'node:timers/promises';
import { checkReports, type PairOutcome, type PlayerReport } from './checks.js';
import { scenarioPrefix } from './lab-names.js';
import { Match } from './match.js';
import { PlayerHandle } from './player-handle.js';
import type { PlayerConfig } from './player-messages.js';
import type { Scenario } from './scenarios.js';
import { type LabServers, startServers } from './servers.js';
import { buildLab, destroyLab, type Lab } from './topology.js';

/** What one scenario showed, over all its rounds. */
export interface ScenarioResult {
  scenario: Scenario;
  passed: boolean;
  failures: string[];
  /** Every pair of every round. */
  pairs: PairOutcome[];
  /** Measurements by name, one value per round. */
  measurements: Record<string, number[]>;
  notes: string[];
  stun: string;
  durationMs: number;
}

/** Chat messages per second per peer, and position broadcasts per second. */
const TRAFFIC = { chatHz: 10, positionHz: 20 } as const;

/** Collects what the rounds of one scenario find. */
class Findings {
  readonly failures: string[] = [];
  readonly notes: string[] = [];
  readonly pairs: PairOutcome[] = [];
  readonly measurements: Record<string, number[]> = {};

  constructor(private readonly rounds: number) {}

  /** Prefixes a line with the round when there are several. */
  label(round: number, text: string): string {
    return this.rounds > 1 ? `round ${round + 1}: ${text}` : text;
  }

  measure(name: string, value: number): void {
    const values = this.measurements[name] ?? [];
    values.push(Math.round(value));
    this.measurements[name] = values;
  }
}

/**
 * Runs one scenario in a lab of its own: builds the namespaces and starts the
 * servers once, then per round starts one player per host, forms a room, runs
 * the scenario's play, stops the traffic and checks the reports — and tears
 * everything down whatever happened.
 */
export async function runScenario(
  scenario: Scenario,
  index: number,
  cwd: string,
  logDir?: string,
): Promise<ScenarioResult> {
  const started = performance.now();
  const prefix = scenarioPrefix(index);
  const findings = new Findings(scenario.rounds);
  let servers: LabServers | undefined;
  let stun: string = scenario.stun;
  try {
    const lab = await buildLab(prefix, scenario.routers, scenario.lossProbability);
    servers = await startServers(lab.pub, lab.serverAddress, scenario.stun, prefix, cwd);
    stun = servers.stun;
    for (let round = 0; round < scenario.rounds; round++)
      await runRound(scenario, lab, servers, round, findings, cwd, logDir);
  } catch (error) {
    findings.failures.push((error as Error).message);
  } finally {
    await servers?.stop();
    await destroyLab(prefix);
  }
  return {
    scenario,
    passed: findings.failures.length === 0,
    failures: findings.failures,
    pairs: findings.pairs,
    measurements: findings.measurements,
    notes: findings.notes,
    stun,
    durationMs: performance.now() - started,
  };
}

/** One room: players start, meet, play, stop; their reports are checked. */
async function runRound(
  scenario: Scenario,
  lab: Lab,
  servers: LabServers,
  round: number,
  findings: Findings,
  cwd: string,
  logDir: string | undefined,
): Promise<void> {
  const players = lab.routers.flatMap((router, r) =>
    router.hosts.map((host, h) => {
      const spec = scenario.routers[r];
      const kind = spec?.privacy === true ? 'private' : spec?.turnOnly === true ? 'turnonly' : router.kind;
      const name = `${kind}${r}${router.hosts.length > 1 ? `.${h}` : ''}`;
      const config: PlayerConfig = {
        url: servers.url,
        name,
        ...(scenario.traffic ?? TRAFFIC),
        ...(spec?.privacy === true ? { direct: 'never' as const } : {}),
        ...(spec?.turnOnly === true ? { direct: 'turn-only' as const } : {}),
      };
      return new PlayerHandle(name, host.namespace, config, cwd, logDir);
    }),
  );
  const failuresBefore = findings.failures.length;
  const fail = (text: string): void => {
    findings.failures.push(findings.label(round, text));
  };
  let formedAt: number | undefined;
  try {
    await scenario.prepare?.(lab);
    // Lossy routers slow the lobby's TCP too (retransmissions): more patience there.
    const slow = scenario.lossProbability > 0 ? 3 : 1;
    await Promise.all(players.map((player) => player.next('ready', 20_000 * slow)));
    const [creator, ...joiners] = players as [PlayerHandle, ...PlayerHandle[]];
    creator.send({ cmd: 'create', capacity: players.length });
    const { code } = await creator.next('room', 10_000 * slow);
    for (const joiner of joiners) joiner.send({ cmd: 'join', code });
    const everyone = players.length - 1;
    await Promise.all(
      players.map((player) =>
        player.until(
          'every peer',
          () => (player.all('peer').length >= everyone ? true : undefined),
          15_000 * slow,
        ),
      ),
    );
    formedAt = Math.max(...players.flatMap((player) => player.all('peer').map((event) => event.at)));
    await scenario.play({
      lab,
      match: new Match(players),
      formedAt,
      measure: (name, value) => findings.measure(name, value),
      lobbyCpuMs: () => servers.lobbyCpuMs(),
      note: (text) => findings.notes.push(findings.label(round, text)),
      fail,
    });
  } catch (error) {
    fail((error as Error).message);
  }
  try {
    // Even after a failed play: the reports say what the players saw.
    const reports = formedAt === undefined ? [] : await finish(players);
    if (reports.length > 0) {
      const checked = checkReports(reports, scenario.expectation);
      findings.pairs.push(...checked.pairs);
      for (const failure of checked.failures) fail(failure);
    }
  } catch (error) {
    fail(`no final reports: ${(error as Error).message}`);
  } finally {
    await Promise.all(players.map((player) => player.stop()));
  }
  for (const player of players)
    for (const event of player.all('lobby'))
      findings.notes.push(findings.label(round, `${player.name}: lobby ${event.event}`));
  if (formedAt !== undefined) {
    const timeline = new Match(players).timeline(formedAt);
    if (timeline.length > 0) findings.notes.push(findings.label(round, `paths: ${timeline.join('; ')}`));
  }
  if (findings.failures.length > failuresBefore)
    for (const player of players)
      if (player.diagnostics !== '')
        findings.notes.push(
          findings.label(round, `${player.name} stderr: ${player.diagnostics.slice(-600)}`),
        );
}

/** Stops the traffic, waits until every chat message is acknowledged, then collects the reports. */
async function finish(players: readonly PlayerHandle[]): Promise<PlayerReport[]> {
  for (const player of players) player.send({ cmd: 'quiesce', timeoutMs: 10_000 });
  await Promise.all(players.map((player) => player.next('quiet', 15_000)));
  // Acknowledged means delivered; a short pause lets the last positions in flight land too.
  await sleep(200);
  for (const player of players) player.send({ cmd: 'report' });
  return Promise.all(players.map((player) => player.next('report', 5000)));
}
