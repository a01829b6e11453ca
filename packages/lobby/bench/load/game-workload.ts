/**
 * The real-SDK workload: one room of `roomSize` real clients (Handoff's or
 * Colyseus's SDK, spread over load workers), each broadcasting its position
 * at `hz` and a chat line every `chatEveryMs`, against one server child.
 * Server CPU comes from /proc over the measured window; everything the
 * clients saw comes from the workers' reports.
 */
import type { ChildServer } from './child-server.js';
import { clockMs } from './game-clock.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { LoadWorkerPool } from './load-workers.js';
import { hostBusySeconds, processCpuTimes } from './proc-stats.js';
import type { ClientSdk, WorkerReport } from './sdk-worker-protocol.js';

/** Shape of a real-SDK run. */
export interface GameWorkload {
  roomSize: number;
  /** Position updates per second per player. */
  hz: number;
  /** One chat line per player this often, ms. */
  chatEveryMs: number;
  warmupMs: number;
  measureMs: number;
  /** Players per load worker (a room of 32 with 8 per worker uses 4 workers). */
  playersPerWorker: number;
  /** Play on this long after the window, so the window's last positions land, ms. */
  drainMs: number;
  /** After stopping, wait this long for chat in flight, ms. */
  chatDrainMs: number;
}

/** What one run measured. */
export interface GameRunResult {
  roomSize: number;
  hz: number;
  /** Measured window, seconds (server side). */
  seconds: number;
  /** The window the players counted their sends in (exactly `measureMs`), seconds. */
  windowSeconds: number;
  serverCpuSeconds: number;
  serverSysSeconds: number;
  positionsSent: number;
  positionsReceived: number;
  /** positionsSent × (roomSize − 1). */
  positionsExpected: number;
  ticksMissed: number;
  latency: LatencyHistogram;
  chatExpected: number;
  chatInOrder: number;
  chatViolations: number;
  closes: number[];
  pushBacks: number;
  errors: number;
  errorSamples: string[];
  /** CPU time of the load workers per second of the window (each over its own measured window), seconds. */
  clientCpuPerSecond: number;
  /** Game-traffic frames the clients sent per second of the window. */
  framesPerSecond: number;
  /** Load worker processes used. */
  workers: number;
  /**
   * CPU that processes outside this run used during the window (other
   * work on the shared machine), % of one core: the host's busy time minus
   * the server's, the load workers' and the bench process's.
   */
  otherCpuPercent: number;
}

const sleepUntil = (atMs: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, atMs - clockMs())));

/** Runs `workload` against `server` with workers from `pool`; closes its clients afterwards. */
export async function runGameWorkload(
  server: ChildServer,
  pool: LoadWorkerPool,
  workload: GameWorkload,
): Promise<GameRunResult> {
  const sdk: ClientSdk = server.kind === 'colyseus' ? 'colyseus' : 'handoff';
  const url = `ws://127.0.0.1:${server.port}/`;
  const { roomSize, hz } = workload;
  const workers = pool.take(Math.ceil(roomSize / workload.playersPerWorker));
  const base = { sdk, url, port: server.port, roomSize };
  try {
    const { roomId } = await workers[0]!.ask({ type: 'create', ...base, index: 0 }, 'created');
    // One at a time (see the `join` command), round robin so each worker's players tick at spread phases.
    for (let index = 1; index < roomSize; index++) {
      await workers[index % workers.length]!.ask({ type: 'join', ...base, roomId, index }, 'joined');
    }
    await Promise.all(workers.map((worker) => worker.ask({ type: 'await-room', roomSize }, 'ready')));
    const startMs = clockMs() + 50;
    const windowStartMs = startMs + workload.warmupMs;
    const windowEndMs = windowStartMs + workload.measureMs;
    for (const worker of workers) {
      worker.tell({
        type: 'play',
        startMs,
        hz,
        chatEveryMs: workload.chatEveryMs,
        roomSize,
        windowStartMs,
        windowEndMs,
      });
    }
    const ours = (): number => {
      const self = process.cpuUsage();
      let total = (self.user + self.system) / 1e6;
      for (const worker of workers) {
        const times = processCpuTimes(worker.pid);
        total += times.user + times.system;
      }
      return total;
    };
    await sleepUntil(windowStartMs);
    const cpuStart = server.cpuTimes();
    const hostStart = hostBusySeconds();
    const oursStart = ours();
    const at = clockMs();
    await sleepUntil(windowEndMs);
    const cpuEnd = server.cpuTimes();
    const hostEnd = hostBusySeconds();
    const oursEnd = ours();
    const seconds = (clockMs() - at) / 1000;
    const serverSeconds = cpuEnd.user + cpuEnd.system - cpuStart.user - cpuStart.system;
    const otherCpuPercent =
      (100 * Math.max(0, hostEnd - hostStart - serverSeconds - (oursEnd - oursStart))) / seconds;
    await sleepUntil(windowEndMs + workload.drainMs);
    const reports = await Promise.all(
      workers.map((worker) => worker.ask({ type: 'stop', drainMs: workload.chatDrainMs }, 'report')),
    );
    return aggregate(
      workload,
      seconds,
      { cpu: serverSeconds, sys: cpuEnd.system - cpuStart.system },
      reports.map((event) => event.report),
      otherCpuPercent,
    );
  } finally {
    await Promise.all(
      workers.map((worker) => worker.ask({ type: 'close' }, 'closed').catch(() => undefined)),
    );
  }
}

function aggregate(
  workload: GameWorkload,
  seconds: number,
  server: { cpu: number; sys: number },
  reports: WorkerReport[],
  otherCpuPercent: number,
): GameRunResult {
  const sum = (pick: (report: WorkerReport) => number): number =>
    reports.reduce((total, report) => total + pick(report), 0);
  const latency = new LatencyHistogram();
  for (const report of reports) latency.merge(report.latency);
  const chatSent = reports.flatMap((report) => Object.values(report.chatSent));
  const positionsSent = sum((report) => report.positionsSent);
  return {
    roomSize: workload.roomSize,
    hz: workload.hz,
    seconds,
    windowSeconds: workload.measureMs / 1000,
    serverCpuSeconds: server.cpu,
    serverSysSeconds: server.sys,
    positionsSent,
    positionsReceived: sum((report) => report.positionsReceived),
    positionsExpected: positionsSent * (workload.roomSize - 1),
    ticksMissed: sum((report) => report.ticksMissed),
    latency,
    chatExpected: chatSent.reduce((a, b) => a + b, 0) * (workload.roomSize - 1),
    chatInOrder: sum((report) => report.chatInOrder),
    chatViolations: sum((report) => report.chatViolations),
    closes: reports.flatMap((report) => report.closes),
    pushBacks: sum((report) => report.pushBacks),
    errors: sum((report) => report.errors),
    errorSamples: reports.flatMap((report) => report.errorSamples).slice(0, 5),
    clientCpuPerSecond: sum((report) => report.cpuSeconds / report.windowSeconds),
    framesPerSecond: sum((report) => report.framesSent / report.windowSeconds),
    workers: reports.length,
    otherCpuPercent,
  };
}
