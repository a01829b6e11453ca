/** Simulated network conditions on outgoing traffic of one path, for trying a game under a bad network. */
export interface LinkConditions {
  /** Added one-way delay, ms. Default 0. */
  latencyMs?: number;
  /** Extra random delay, uniform in [0, jitterMs), ms (jitter reorders). Default 0. */
  jitterMs?: number;
  /** Probability an outgoing datagram is dropped, 0..1 (1 blackholes the path). Default 0. */
  loss?: number;
}

/** Simulated conditions per path (`relay`, `direct`). */
export interface LinkConditioner {
  relay?: LinkConditions;
  direct?: LinkConditions;
}

/**
 * Applies {@link LinkConditions} to a send function: drops with the loss
 * probability, delays by latency plus jitter. With no conditions it is the
 * send function itself (no timer, no cost).
 */
export function conditioned(
  send: (bytes: Uint8Array) => boolean,
  conditions: () => LinkConditions | undefined,
  random: () => number = Math.random,
): (bytes: Uint8Array) => boolean {
  return (bytes) => {
    const c = conditions();
    if (c === undefined) return send(bytes);
    if ((c.loss ?? 0) > 0 && random() < (c.loss ?? 0)) return true; // "sent", then lost on the way
    const delay = (c.latencyMs ?? 0) + random() * (c.jitterMs ?? 0);
    if (delay <= 0) return send(bytes);
    const copy = bytes.slice();
    setTimeout(() => send(copy), delay);
    return true;
  };
}
