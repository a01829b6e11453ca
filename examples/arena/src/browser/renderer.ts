import type { PathKind } from '@handoff/transport';
import { WORLD } from '../shared/world.js';

/** One ship to draw. */
export interface ShipSprite {
  /** Position, world units. */
  x: number;
  /** Position, world units. */
  y: number;
  /** Heading, radians. */
  yaw: number;
  /** Colour hue, 0–359. */
  hue: number;
  /** Name shown above it. */
  label: string;
  /** The path its updates take (remote ships only). */
  path?: PathKind;
  /** Recent positions, oldest first. */
  trail: readonly { x: number; y: number }[];
}

const PATH_COLOURS: Record<PathKind, string> = { relay: '#f5a524', turn: '#5aa9f5', direct: '#3ddc97' };

/** Draws the arena on a canvas, scaled to fit, sharp on high-DPI screens. */
export class ArenaRenderer {
  private readonly context: CanvasRenderingContext2D;

  constructor(private readonly canvas: HTMLCanvasElement) {
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('no 2D canvas');
    this.context = context;
  }

  /** Draws one frame. */
  draw(ships: readonly ShipSprite[]): void {
    const { canvas, context: g } = this;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const scale = Math.min(width / WORLD.width, height / WORLD.height);
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.fillStyle = '#070b16';
    g.fillRect(0, 0, width, height);
    g.setTransform(
      scale,
      0,
      0,
      scale,
      (width - WORLD.width * scale) / 2,
      (height - WORLD.height * scale) / 2,
    );
    this.drawField();
    for (const ship of ships) this.drawTrail(ship);
    for (const ship of ships) this.drawShip(ship);
  }

  private drawField(): void {
    const g = this.context;
    g.fillStyle = '#0d1428';
    g.fillRect(0, 0, WORLD.width, WORLD.height);
    g.strokeStyle = 'rgba(120, 150, 255, 0.07)';
    g.lineWidth = 1;
    g.beginPath();
    for (let x = 100; x < WORLD.width; x += 100) {
      g.moveTo(x, 0);
      g.lineTo(x, WORLD.height);
    }
    for (let y = 100; y < WORLD.height; y += 100) {
      g.moveTo(0, y);
      g.lineTo(WORLD.width, y);
    }
    g.stroke();
    g.strokeStyle = 'rgba(120, 150, 255, 0.5)';
    g.lineWidth = 3;
    g.strokeRect(1.5, 1.5, WORLD.width - 3, WORLD.height - 3);
  }

  private drawTrail(ship: ShipSprite): void {
    const g = this.context;
    const trail = ship.trail;
    for (let i = 1; i < trail.length; i++) {
      g.strokeStyle = `hsla(${ship.hue}, 90%, 60%, ${(i / trail.length) * 0.5})`;
      g.lineWidth = 2 + (4 * i) / trail.length;
      g.beginPath();
      g.moveTo(trail[i - 1]!.x, trail[i - 1]!.y);
      g.lineTo(trail[i]!.x, trail[i]!.y);
      g.stroke();
    }
  }

  private drawShip(ship: ShipSprite): void {
    const g = this.context;
    g.save();
    g.translate(ship.x, ship.y);
    g.rotate(ship.yaw);
    g.fillStyle = `hsl(${ship.hue}, 90%, 62%)`;
    g.shadowColor = g.fillStyle;
    g.shadowBlur = 18;
    g.beginPath();
    g.moveTo(20, 0);
    g.lineTo(-13, 12);
    g.lineTo(-7, 0);
    g.lineTo(-13, -12);
    g.closePath();
    g.fill();
    g.restore();
    g.font = '600 15px system-ui, sans-serif';
    g.textAlign = 'center';
    g.fillStyle = 'rgba(230, 236, 255, 0.9)';
    g.fillText(ship.label, ship.x, ship.y - 24);
    if (ship.path !== undefined) {
      g.font = '700 11px ui-monospace, monospace';
      g.fillStyle = PATH_COLOURS[ship.path];
      g.fillText(ship.path.toUpperCase(), ship.x, ship.y + 34);
    }
  }
}

/** The colour of a path in the HUD and the graph. */
export function pathColour(path: PathKind): string {
  return PATH_COLOURS[path];
}
