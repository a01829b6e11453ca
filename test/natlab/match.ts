import type { PlayerHandle } from './player-handle.js';

/** A path as one player sees it toward one peer. */
type PathKind = 'relay' | 'turn' | 'direct';

/**
 * The players of one scenario, seen together: which path each pair is on
 * (from the players' `path` events) and waits for all of them to agree.
 */
export class Match {
  constructor(readonly players: readonly PlayerHandle[]) {}

  /** The path `viewer` uses toward `peer` now, and when it moved there (`undefined`: never moved). */
  view(viewer: PlayerHandle, peer: PlayerHandle): { path: PathKind; at: number | undefined } {
    const changes = viewer.all('path').filter((event) => event.peerId === peer.playerId);
    const last = changes.at(-1);
    return last === undefined ? { path: 'relay', at: undefined } : { path: last.to as PathKind, at: last.at };
  }

  /** Every (viewer, peer) combination. */
  private views(): [PlayerHandle, PlayerHandle][] {
    return this.players.flatMap((viewer) =>
      this.players
        .filter((peer) => peer !== viewer)
        .map((peer): [PlayerHandle, PlayerHandle] => [viewer, peer]),
    );
  }

  /** Whether every player sees every peer on `path`. */
  all(path: PathKind): boolean {
    return this.views().every(([viewer, peer]) => this.view(viewer, peer).path === path);
  }

  /**
   * Waits until every player sees every peer on `path`; resolves with the
   * latest time (`Date.now()`) at which one of them moved there — the moment
   * the whole room was on that path.
   */
  async waitAll(path: PathKind, timeoutMs: number): Promise<number> {
    await Promise.all(
      this.players.map((viewer) =>
        viewer.until(
          `every peer on ${path}`,
          () =>
            this.players.every((peer) => peer === viewer || this.view(viewer, peer).path === path)
              ? true
              : undefined,
          timeoutMs,
        ),
      ),
    );
    return Math.max(...this.views().map(([viewer, peer]) => this.view(viewer, peer).at ?? 0));
  }

  /**
   * Waits until every pair `selected` by player names is direct (seen from
   * both sides); resolves with the time (`Date.now()`) the last one got there.
   */
  async waitPairs(selected: (a: string, b: string) => boolean, timeoutMs: number): Promise<number> {
    const views = this.views().filter(([viewer, peer]) => selected(viewer.name, peer.name));
    await Promise.all(
      this.players.map((viewer) =>
        viewer.until(
          'every selected peer direct',
          () =>
            views.every(([v, peer]) => v !== viewer || this.view(viewer, peer).path === 'direct')
              ? true
              : undefined,
          timeoutMs,
        ),
      ),
    );
    return Math.max(0, ...views.map(([viewer, peer]) => this.view(viewer, peer).at ?? 0));
  }

  /** Path changes of every player toward any peer, in time order: the scenario's story. */
  timeline(since: number): string[] {
    return this.players
      .flatMap((viewer) =>
        viewer
          .all('path')
          .filter((event) => event.at >= since)
          .map((event) => ({
            at: event.at,
            text: `${viewer.name}: ${event.from}→${event.to} (${event.reason})`,
          })),
      )
      .sort((x, y) => x.at - y.at)
      .map((entry) => `+${((entry.at - since) / 1000).toFixed(2)} s ${entry.text}`);
  }
}
