import type { LinkConditioner } from '@handoff/transport';

/**
 * The demo's simulated internet, applied by every player to its own
 * outgoing traffic with the SDK's link conditioner. On one machine the
 * relay and a direct link are both sub-millisecond, so the switch would be
 * invisible; with this, the relay costs what a lobby in another city does
 * (≈ 95 ms RTT) and a direct link what a nearby peer does (≈ 30 ms).
 */
export const SIMULATED_LAG: LinkConditioner = {
  relay: { latencyMs: 40, jitterMs: 10 },
  direct: { latencyMs: 12, jitterMs: 3 },
};

/** A short description for the HUD and the terminal. */
export function describeLag(lag: LinkConditioner | undefined): string {
  if (lag === undefined) return 'real network (no simulated lag)';
  const one = (name: string, c: { latencyMs?: number; jitterMs?: number } | undefined): string =>
    `${name} +${c?.latencyMs ?? 0}±${c?.jitterMs ?? 0} ms`;
  return `simulated lag each way: ${one('relay', lag.relay)}, ${one('direct', lag.direct)}`;
}
