/**
 * Test helpers for games built on Handoff: a deterministic network simulator
 * to try a session (or a whole game loop) under loss, duplication,
 * reordering, latency, jitter, a bandwidth cap and a mid-stream path switch.
 *
 * @example
 * ```ts
 * import { Session } from '@handoff/protocol';
 * import { LinkSimulator, runSessions } from '@handoff/protocol/testing';
 *
 * const channels = [{ name: 'chat', kind: 'reliable-ordered' }] as const;
 * const got: string[] = [];
 * const a = new Session({ channels }, { message: () => {} });
 * const b = new Session({ channels }, { message: (_c, p) => got.push(new TextDecoder().decode(p)) });
 * const link = new LinkSimulator({ paths: { relay: { latencyMs: 50, loss: 0.2 } }, active: 'relay', seed: 1 });
 * a.send('chat', new TextEncoder().encode('hello'));
 * runSessions({ a, b, link, untilMs: 5_000 });
 * // got → ['hello']
 * ```
 *
 * @packageDocumentation
 */
export { type Arrival, ArrivalQueue } from './arrival-queue.js';
export { type LinkEnd, LinkSimulator, type LinkSimulatorOptions } from './link-simulator.js';
export { Prng } from './prng.js';
export { type RunSessionsOptions, runSessions } from './run-sessions.js';
export { type PathConditions, SimulatedPath, type SimulatedPathStats } from './simulated-path.js';
