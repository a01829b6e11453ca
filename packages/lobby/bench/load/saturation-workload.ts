/**
 * Saturation: one room whose members broadcast as fast as the server
 * absorbs. Each sender keeps at most `window` frames not yet delivered to
 * every other member, and tops its window up in a burst whenever
 * deliveries free space — so the load follows the server and nothing piles
 * up in its queues.
 */
import type { ChildServer } from './child-server.js';
import { DeliveryRecorder } from './delivery-recorder.js';
import { measureWindow, type WindowResult } from './measure-window.js';
import { stampedPayload } from './payload.js';
import { openRoom } from './rooms.js';

/** Shape of a saturation run. */
export interface SaturationWorkload {
  roomSize: number;
  /** Frames in flight per sender. */
  window: number;
  warmupMs: number;
  measureMs: number;
}

/** Runs `workload` against `server` and tears its clients down. */
export async function runSaturationWorkload(
  server: ChildServer,
  workload: SaturationWorkload,
): Promise<WindowResult> {
  const clients = await openRoom(server, workload.roomSize, 0);
  const recorder = new DeliveryRecorder(clients.length);
  for (const client of clients) recorder.attach(client);
  const fanOut = clients.length - 1;
  const limit = workload.window * fanOut;
  const sent = new Float64Array(clients.length);
  let running = true;
  let scheduled = false;
  const pump = (): void => {
    scheduled = false;
    if (!running) return;
    clients.forEach((client, sender) => {
      while (sent[sender]! * fanOut - recorder.perSender[sender]! < limit) {
        client.broadcast(stampedPayload(sender));
        sent[sender]!++;
      }
    });
  };
  recorder.onDelivery = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(pump);
  };
  try {
    pump();
    return await measureWindow(server, recorder, workload.warmupMs, workload.measureMs);
  } finally {
    running = false;
    for (const client of clients) client.terminate();
  }
}
