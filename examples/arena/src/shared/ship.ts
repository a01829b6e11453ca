import { WORLD } from './world.js';

/** A ship: position and heading (sent), velocity (local only). */
export interface Ship {
  /** Position, world units. */
  x: number;
  /** Position, world units (down is +y). */
  y: number;
  /** Heading, radians; 0 points along +x, y grows downwards. */
  yaw: number;
  /** Velocity, world units per second. */
  vx: number;
  /** Velocity, world units per second. */
  vy: number;
}

/** What the pilot (a keyboard or a bot) asks for this step. */
export interface ShipControls {
  /** −1 turn left, 1 turn right, 0 straight. */
  turn: number;
  /** Accelerate forwards. */
  thrust: boolean;
  /** Slow down hard. */
  brake: boolean;
}

const TURN_RATE = 3.6; // rad/s
const THRUST = 720; // units/s²
const DRAG = 0.9; // 1/s: speed decays by e^(−DRAG·t) with no thrust
const BRAKE_DRAG = 4;
const MAX_SPEED = 520;
const BOUNCE = 0.6; // speed kept when hitting a wall
const MARGIN = 14; // half a ship

/** A ship at rest at a random spot, facing the centre. */
export function spawnShip(random: () => number = Math.random): Ship {
  const x = WORLD.width * (0.15 + 0.7 * random());
  const y = WORLD.height * (0.15 + 0.7 * random());
  return { x, y, yaw: Math.atan2(WORLD.height / 2 - y, WORLD.width / 2 - x), vx: 0, vy: 0 };
}

/** Advances a ship by `dt` seconds (in place): turn, thrust, drag, and bounce off the walls. */
export function stepShip(ship: Ship, controls: ShipControls, dt: number): void {
  ship.yaw += Math.max(-1, Math.min(1, controls.turn)) * TURN_RATE * dt;
  if (controls.thrust) {
    ship.vx += Math.cos(ship.yaw) * THRUST * dt;
    ship.vy += Math.sin(ship.yaw) * THRUST * dt;
  }
  const decay = Math.exp(-(controls.brake ? BRAKE_DRAG : DRAG) * dt);
  ship.vx *= decay;
  ship.vy *= decay;
  const speed = Math.hypot(ship.vx, ship.vy);
  if (speed > MAX_SPEED) {
    ship.vx *= MAX_SPEED / speed;
    ship.vy *= MAX_SPEED / speed;
  }
  ship.x += ship.vx * dt;
  ship.y += ship.vy * dt;
  if (ship.x < MARGIN || ship.x > WORLD.width - MARGIN) {
    ship.x = Math.max(MARGIN, Math.min(WORLD.width - MARGIN, ship.x));
    ship.vx = -ship.vx * BOUNCE;
  }
  if (ship.y < MARGIN || ship.y > WORLD.height - MARGIN) {
    ship.y = Math.max(MARGIN, Math.min(WORLD.height - MARGIN, ship.y));
    ship.vy = -ship.vy * BOUNCE;
  }
}
