/**
 * Fixed-rate traffic: every client of every room broadcasts a 32-byte
 * payload at `hz`. Clients tick independently, as players' machines do:
 * their phases are spread evenly over one period, so the server does not
 * get every frame of a tick in the same event-loop turn.
 */
import type { ChildServer } from './child-server.js';
import { DeliveryRecorder } from './delivery-recorder.js';
import { measureWindow, type WindowResult } from './measure-window.js';
import { stampedPayload } from './payload.js';
import { openRooms } from './rooms.js';

/** Shape of a fixed-rate run. */
export interface RateWorkload {
  rooms: number;
  roomSize: number;
  hz: number;
  warmupMs: number;
  measureMs: number;
  /** Record one-way latencies during the measured window. */
  recordLatency: boolean;
}

/** A fixed-rate run's window, plus latencies when recorded. */
export interface RateResult extends WindowResult {
  /** Connected clients. */
  clients: number;
  /** One-way latencies, ms (empty unless recorded). */
  latenciesMs: number[];
}

/** Runs `workload` against `server` and tears its clients down. */
export async function runRateWorkload(server: ChildServer, workload: RateWorkload): Promise<RateResult> {
  const rooms = await openRooms(server, workload.rooms, workload.roomSize);
  const clients = rooms.flat();
  const recorder = new DeliveryRecorder(clients.length);
  for (const client of clients) recorder.attach(client);
  const periodMs = 1000 / workload.hz;
  const timers: NodeJS.Timeout[] = [];
  try {
    clients.forEach((client, sender) => {
      const tick = (): void => client.broadcast(stampedPayload(sender));
      const offset = (sender / clients.length) * periodMs;
      timers.push(
        setTimeout(() => {
          tick();
          timers.push(setInterval(tick, periodMs));
        }, offset),
      );
    });
    const window = await measureWindow(server, recorder, workload.warmupMs, workload.measureMs, () => {
      if (workload.recordLatency) recorder.latencies = [];
    });
    const latenciesMs = recorder.latencies ?? [];
    recorder.latencies = undefined;
    return { ...window, clients: clients.length, latenciesMs };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    for (const client of clients) client.terminate();
  }
}
