/**
 * A measured window: server CPU (from `/proc`), load generator CPU and
 * client-side counters, sampled at its start and end.
 */
import type { ChildServer } from './child-server.js';
import type { DeliveryRecorder } from './delivery-recorder.js';
import type { CpuTimes } from './proc-stats.js';

/** Counters at one instant. */
interface Sample {
  at: number;
  serverCpu: CpuTimes;
  loadCpu: number;
  deliveries: number;
  bytes: number;
}

/** What happened during a window. */
export interface WindowResult {
  /** Wall-clock length, seconds. */
  seconds: number;
  /** Frames received by all clients. */
  deliveries: number;
  /** Bytes received by all clients. */
  bytes: number;
  /** Server CPU time used, user + system, seconds (clock-tick resolution). */
  serverCpuSeconds: number;
  /** The system (kernel) part of it, seconds. */
  serverSysSeconds: number;
  /** This process's CPU time used, seconds. */
  loadCpuSeconds: number;
}

function sample(server: ChildServer, recorder: DeliveryRecorder): Sample {
  const usage = process.cpuUsage();
  return {
    at: performance.now(),
    serverCpu: server.cpuTimes(),
    loadCpu: (usage.user + usage.system) / 1e6,
    deliveries: recorder.deliveries,
    bytes: recorder.bytes,
  };
}

/** Waits `warmupMs`, then measures `measureMs`; `onStart` runs when the measured part begins. */
export async function measureWindow(
  server: ChildServer,
  recorder: DeliveryRecorder,
  warmupMs: number,
  measureMs: number,
  onStart: () => void = () => {},
): Promise<WindowResult> {
  await sleep(warmupMs);
  onStart();
  const start = sample(server, recorder);
  await sleep(measureMs);
  const end = sample(server, recorder);
  return {
    seconds: (end.at - start.at) / 1000,
    deliveries: end.deliveries - start.deliveries,
    bytes: end.bytes - start.bytes,
    serverCpuSeconds:
      end.serverCpu.user + end.serverCpu.system - start.serverCpu.user - start.serverCpu.system,
    serverSysSeconds: end.serverCpu.system - start.serverCpu.system,
    loadCpuSeconds: end.loadCpu - start.loadCpu,
  };
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
