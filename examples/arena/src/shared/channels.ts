import { type ChatMessage, chatCodec, createPositionCodec, type EntityState } from '@handoff/protocol';
import { defineChannels, positionChannel } from '@handoff/transport';
import { WORLD } from './world.js';

/** The arena's messages per channel. */
export interface ArenaMessages {
  /** Chat lines (reliable, ordered). */
  chat: ChatMessage;
  /** The sender's ship (unreliable, newest wins, delta-coded). */
  pos: EntityState[];
}

/** Ships: 2D, on a 1/16-unit grid within the arena, with a heading. About 5 bytes per update. */
export const arenaPositions = createPositionCodec({
  dimensions: 2,
  bounds: { min: [0, 0], max: [WORLD.width, WORLD.height] },
  resolution: 1 / 16,
  yaw: true,
  maxEntities: 4,
});

/** The channels every arena player declares. */
export const arenaChannels = defineChannels<ArenaMessages>({
  chat: { kind: 'reliable-ordered', codec: chatCodec },
  pos: positionChannel(arenaPositions),
});
