import type { Ship, ShipControls } from '../shared/ship.js';
import { WORLD } from '../shared/world.js';

/** Steers a ship towards random waypoints, like a bored pilot. */
export class Wanderer {
  private target = { x: 0, y: 0 };

  constructor(private readonly random: () => number = Math.random) {
    this.pickTarget();
  }

  /** The controls for this step. */
  controls(ship: Ship): ShipControls {
    const dx = this.target.x - ship.x;
    const dy = this.target.y - ship.y;
    if (Math.hypot(dx, dy) < 90) this.pickTarget();
    const off = Math.atan2(Math.sin(Math.atan2(dy, dx) - ship.yaw), Math.cos(Math.atan2(dy, dx) - ship.yaw));
    return {
      turn: Math.abs(off) < 0.05 ? 0 : Math.sign(off),
      thrust: Math.abs(off) < 0.7,
      brake: Math.abs(off) > 2.2,
    };
  }

  private pickTarget(): void {
    this.target = {
      x: WORLD.width * (0.08 + 0.84 * this.random()),
      y: WORLD.height * (0.08 + 0.84 * this.random()),
    };
  }
}
