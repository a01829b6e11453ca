import type { EntityState } from '@handoff/protocol';
import {
  followPeerPath,
  type InterpolatorStats,
  lerpEntityState,
  type Peer,
  type Room,
  SnapshotInterpolator,
} from '@handoff/transport';
import type { ArenaMessages } from '../shared/channels.js';
import { SEND_INTERVAL_MS, SHIP_ENTITY_ID } from '../shared/world.js';

/** A remote player's ship as drawn this frame. */
export interface RemoteShip {
  /** Whose ship. */
  peer: Peer;
  /** Undefined until its first snapshot. */
  state: EntityState | undefined;
  /** Recent drawn positions, oldest first (the trail). */
  trail: { x: number; y: number }[];
  /** What its interpolator is doing. */
  interpolation: InterpolatorStats;
}

interface Tracked {
  interpolator: SnapshotInterpolator<EntityState>;
  stopFollowing: () => void;
  trail: { x: number; y: number }[];
  state: EntityState | undefined;
}

const TRAIL_LENGTH = 24;

/**
 * Every remote player's ship, drawn through the SDK's snapshot interpolator:
 * positions are played back a little in the past, with a delay that follows
 * the peer's path (relay or direct).
 */
export class RemoteShips {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly room: Room<ArenaMessages>) {
    room.on('message', (event) => {
      if (event.channel !== 'pos') return;
      const ship = event.message.find((entity) => entity.id === SHIP_ENTITY_ID);
      if (ship !== undefined) this.track(event.from.id).interpolator.push(ship, performance.now());
    });
    room.on('peer:leave', (peer) => {
      this.tracked.get(peer.id)?.stopFollowing();
      this.tracked.delete(peer.id);
    });
    room.on('room:left', () => this.clear());
  }

  /** Advances every interpolator to `now` and returns the ships to draw. */
  sample(now: number): RemoteShip[] {
    const ships: RemoteShip[] = [];
    for (const peer of this.room.peers.values()) {
      const tracked = this.track(peer.id);
      const state = tracked.interpolator.sample(now);
      if (state !== undefined) {
        tracked.trail.push({ x: state.x, y: state.y });
        if (tracked.trail.length > TRAIL_LENGTH) tracked.trail.shift();
      }
      tracked.state = state;
      ships.push({ peer, state, trail: tracked.trail, interpolation: tracked.interpolator.stats() });
    }
    return ships;
  }

  /** The latest drawn state of one peer's ship. */
  drawn(peerId: string): EntityState | undefined {
    return this.tracked.get(peerId)?.state;
  }

  /** Interpolation figures of one peer (for the HUD). */
  interpolation(peerId: string): InterpolatorStats | undefined {
    return this.tracked.get(peerId)?.interpolator.stats();
  }

  private track(peerId: string): Tracked {
    let tracked = this.tracked.get(peerId);
    if (tracked === undefined) {
      const interpolator = new SnapshotInterpolator<EntityState>({
        lerp: lerpEntityState,
        sendIntervalMs: SEND_INTERVAL_MS,
      });
      tracked = {
        interpolator,
        stopFollowing: followPeerPath(this.room, peerId, interpolator),
        trail: [],
        state: undefined,
      };
      this.tracked.set(peerId, tracked);
    }
    return tracked;
  }

  private clear(): void {
    for (const tracked of this.tracked.values()) tracked.stopFollowing();
    this.tracked.clear();
  }
}
