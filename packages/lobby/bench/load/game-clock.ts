/**
 * The clock every load process shares, and how a position carries its send
 * time. `process.hrtime` reads CLOCK_MONOTONIC, the same clock in every
 * process of the host, so a receiver in another load process than the
 * sender measures the one-way latency on the sender's clock.
 *
 * A position is an entity `{ id, x, y }` inside the position codec's
 * default bounds (±1024, steps of 1/512): `x` = whole seconds of the send
 * time modulo 1000, `y` = the milliseconds within that second, quantized to
 * 1/512 ms (≈ 2 µs) before sending so that the codec's round trip is exact.
 */

/** Milliseconds on the host's monotonic clock (the same in every process). */
export function clockMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

const CYCLE_MS = 1_000_000;
const STEPS_PER_MS = 512;

/** A position stamp: the two coordinates that carry the send time, and that time on {@link clockMs}. */
export interface TimeStamp {
  x: number;
  y: number;
  /** The send time the coordinates encode (quantized), ms on {@link clockMs}. */
  sentAtMs: number;
}

/** Encodes `nowMs` into position coordinates. */
export function stampTime(nowMs: number): TimeStamp {
  const inCycle = nowMs % CYCLE_MS;
  const x = Math.floor(inCycle / 1000);
  const y = Math.round((inCycle - x * 1000) * STEPS_PER_MS) / STEPS_PER_MS;
  return { x, y, sentAtMs: nowMs - inCycle + x * 1000 + y };
}

/** The send time (on {@link clockMs}) of a position received at `nowMs` with coordinates `x`, `y`. */
export function sentAtOf(x: number, y: number, nowMs: number): number {
  const stamped = x * 1000 + y;
  let age = (nowMs % CYCLE_MS) - stamped;
  if (age < -CYCLE_MS / 2) age += CYCLE_MS;
  else if (age > CYCLE_MS / 2) age -= CYCLE_MS;
  return nowMs - age;
}
