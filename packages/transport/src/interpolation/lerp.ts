import type { EntityState } from '@handoff/protocol';

/** Blends two states: `t = 0` gives `from`, `t = 1` gives `to`, `t > 1` extrapolates past `to`. */
export type Lerp<T> = (from: T, to: T, t: number) => T;

/** Linear blend of two numbers (`t > 1` extrapolates). */
export function lerpNumber(from: number, to: number, t: number): number {
  return from + (to - from) * t;
}

/** Blends two angles in radians along the shorter arc (so 350° → 10° passes through 0°, not 180°). */
export function lerpAngle(from: number, to: number, t: number): number {
  const turn = 2 * Math.PI;
  const delta = ((((to - from) % turn) + turn + Math.PI) % turn) - Math.PI;
  return from + delta * t;
}

const optional = (from: number | undefined, to: number | undefined, t: number): number | undefined =>
  from === undefined || to === undefined ? to : lerpNumber(from, to, t);

/** Blends one entity: position and velocity linearly, `yaw` along the shorter arc. */
export function lerpEntityState(from: EntityState, to: EntityState, t: number): EntityState {
  const state: EntityState = { id: to.id, x: lerpNumber(from.x, to.x, t), y: lerpNumber(from.y, to.y, t) };
  const z = optional(from.z, to.z, t);
  if (z !== undefined) state.z = z;
  if (to.yaw !== undefined) state.yaw = from.yaw === undefined ? to.yaw : lerpAngle(from.yaw, to.yaw, t);
  for (const axis of ['vx', 'vy', 'vz'] as const) {
    const value = optional(from[axis], to[axis], t);
    if (value !== undefined) state[axis] = value;
  }
  return state;
}

/**
 * Blends two entity snapshots (a position channel's messages) entity by
 * entity, matched by `id`. An entity only in `to` appears as it is there
 * (it just spawned); one only in `from` is gone (it despawned).
 */
export function lerpEntities(
  from: readonly EntityState[],
  to: readonly EntityState[],
  t: number,
): EntityState[] {
  const before = new Map(from.map((entity) => [entity.id, entity]));
  return to.map((entity) => {
    const previous = before.get(entity.id);
    return previous === undefined ? { ...entity } : lerpEntityState(previous, entity, t);
  });
}
