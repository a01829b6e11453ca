import type { PathKind, Peer, Room } from '@handoff/transport';
import type { ArenaMessages } from '../shared/channels.js';
import { formatMs, type LinkFigures, linkFigures } from '../shared/link-figures.js';
import { playerHue } from '../shared/world.js';
import type { RemoteShips } from './remote-ships.js';
import { RttGraph } from './rtt-graph.js';

interface Card {
  root: HTMLElement;
  path: HTMLElement;
  rtt: HTMLElement;
  direct: HTMLElement;
  buffer: HTMLElement;
  graph: RttGraph;
}

const span = (className: string, text = ''): HTMLSpanElement => {
  const element = document.createElement('span');
  element.className = className;
  element.textContent = text;
  return element;
};

/**
 * One card per remote player: the path its traffic takes (RELAY / DIRECT),
 * the RTT, how long it took to go direct, the interpolation buffer, and a
 * live RTT graph in which the switch shows.
 */
export class Hud {
  private readonly cards = new Map<string, Card>();
  /** The latest figures per peer (also read by the test handle). */
  readonly figures = new Map<string, LinkFigures>();
  /** Recent RTT samples on each path, per peer (at most 64 each): the step at the switch, for the test handle. */
  readonly rttSamples = new Map<string, Record<PathKind, number[]>>();

  constructor(
    private readonly container: HTMLElement,
    private readonly room: Room<ArenaMessages>,
    private readonly ships: RemoteShips,
  ) {
    room.on('peer:leave', (peer) => {
      this.cards.get(peer.id)?.root.remove();
      this.cards.delete(peer.id);
      this.figures.delete(peer.id);
      this.rttSamples.delete(peer.id);
    });
  }

  /** Reads every peer's stats and samples the graphs (a few times a second). */
  update(now: number): void {
    for (const peer of this.room.peers.values()) {
      const card = this.card(peer);
      const figures = linkFigures(this.room.stats(peer.id));
      this.figures.set(peer.id, figures);
      if (figures.rttMs !== undefined) this.sample(peer.id, figures.path, figures.rttMs);
      card.root.dataset.path = figures.path;
      card.path.textContent = figures.path.toUpperCase();
      card.path.className = `path ${figures.path}`;
      card.rtt.textContent = `RTT ${formatMs(figures.rttMs)}`;
      card.direct.textContent =
        figures.timeToDirectMs === undefined
          ? 'direct: trying…'
          : `went direct in ${(figures.timeToDirectMs / 1000).toFixed(2)} s`;
      const interpolation = this.ships.interpolation(peer.id);
      card.buffer.textContent =
        interpolation === undefined ? '' : `buffer ${formatMs(interpolation.delayMs)}`;
      card.graph.add(now, figures.rttMs, figures.path);
    }
  }

  /** The median of the recent RTT samples on each path (a median: one busy frame does not move it). */
  medianRtt(peerId: string): Partial<Record<PathKind, number>> {
    const samples = this.rttSamples.get(peerId);
    const median = (values: number[] | undefined): number | undefined => {
      if (values === undefined || values.length === 0) return undefined;
      const sorted = [...values].sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)];
    };
    const relay = median(samples?.relay);
    const direct = median(samples?.direct);
    return { ...(relay === undefined ? {} : { relay }), ...(direct === undefined ? {} : { direct }) };
  }

  private sample(peerId: string, path: PathKind, rttMs: number): void {
    let samples = this.rttSamples.get(peerId);
    if (samples === undefined) {
      samples = { relay: [], turn: [], direct: [] };
      this.rttSamples.set(peerId, samples);
    }
    samples[path].push(rttMs);
    if (samples[path].length > 64) samples[path].shift();
  }

  /** Redraws the graphs (every frame is fine: they are small). */
  draw(now: number): void {
    for (const card of this.cards.values()) card.graph.draw(now);
  }

  private card(peer: Peer): Card {
    const existing = this.cards.get(peer.id);
    if (existing !== undefined) return existing;
    const root = document.createElement('div');
    root.className = 'peer';
    root.dataset.peerId = peer.id;
    root.dataset.peerName = peer.name;
    root.style.setProperty('--hue', String(playerHue(peer.id)));
    const head = document.createElement('div');
    head.className = 'peer-head';
    const path = span('path relay', 'RELAY');
    head.append(span('dot'), span('name', peer.name || peer.id.slice(0, 6)), path);
    const figures = document.createElement('div');
    figures.className = 'figures';
    const card: Card = {
      root,
      path,
      rtt: span('rtt'),
      direct: span('direct'),
      buffer: span('buffer'),
      graph: new RttGraph(),
    };
    figures.append(card.rtt, card.direct, card.buffer);
    root.append(head, figures, card.graph.canvas);
    this.container.append(root);
    this.cards.set(peer.id, card);
    return card;
  }
}
