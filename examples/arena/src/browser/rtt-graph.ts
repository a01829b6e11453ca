import type { PathKind } from '@handoff/transport';
import { pathColour } from './renderer.js';

interface Point {
  at: number;
  rttMs: number;
  path: PathKind;
}

const WINDOW_MS = 20_000;
/** Until this much history exists, the graph spans it (so the first switch is not a sliver). */
const MIN_WINDOW_MS = 5_000;

/**
 * A small live RTT graph of one peer: the last 20 s (the first 5 s stretched
 * over the whole width), coloured by path, with a marker where the path
 * changed — the relay → direct switch is the step.
 */
export class RttGraph {
  readonly canvas: HTMLCanvasElement;
  private readonly points: Point[] = [];
  private readonly switches: { at: number; to: PathKind }[] = [];

  constructor() {
    this.canvas = document.createElement('canvas');
    this.canvas.className = 'rtt-graph';
  }

  /** Adds a sample (RTT undefined: the new path has no measurement yet). */
  add(at: number, rttMs: number | undefined, path: PathKind): void {
    const last = this.points.at(-1);
    if (last !== undefined && last.path !== path) this.switches.push({ at, to: path });
    if (rttMs !== undefined) this.points.push({ at, rttMs, path });
    while (this.points.length > 0 && this.points[0]!.at < at - WINDOW_MS) this.points.shift();
    while (this.switches.length > 0 && this.switches[0]!.at < at - WINDOW_MS) this.switches.shift();
  }

  /** Redraws at `now`. */
  draw(now: number): void {
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(this.canvas.clientWidth * ratio) || 200;
    const height = Math.round(this.canvas.clientHeight * ratio) || 48;
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    const g = this.canvas.getContext('2d');
    if (g === null) return;
    g.clearRect(0, 0, width, height);
    // Scaled to the 90th percentile, so one spike does not flatten the step of a switch.
    const sorted = this.points.map((point) => point.rttMs).sort((a, b) => a - b);
    const top = Math.max(20, sorted[Math.floor(sorted.length * 0.9)] ?? 0) * 1.25;
    const span = Math.min(WINDOW_MS, Math.max(MIN_WINDOW_MS, now - (this.points[0]?.at ?? now)));
    const x = (at: number): number => ((at - (now - span)) / span) * width;
    const y = (rtt: number): number => height - (Math.min(rtt, top) / top) * (height - 4) - 2;
    g.font = `${10 * ratio}px ui-monospace, monospace`;
    for (const change of this.switches) {
      g.strokeStyle = pathColour(change.to);
      g.setLineDash([3 * ratio, 3 * ratio]);
      g.beginPath();
      g.moveTo(x(change.at), 0);
      g.lineTo(x(change.at), height);
      g.stroke();
      g.setLineDash([]);
    }
    g.lineWidth = 1.5 * ratio;
    for (let i = 1; i < this.points.length; i++) {
      const a = this.points[i - 1]!;
      const b = this.points[i]!;
      g.strokeStyle = pathColour(b.path);
      g.beginPath();
      g.moveTo(x(a.at), y(a.rttMs));
      g.lineTo(x(b.at), y(b.rttMs));
      g.stroke();
    }
    g.fillStyle = 'rgba(200, 210, 255, 0.6)';
    g.fillText(`${Math.round(top)} ms`, 3 * ratio, 11 * ratio);
  }
}
