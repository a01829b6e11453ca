import { connect, type LinkConditioner, type LobbyClient, type Room } from '@handoff/transport';
import { type ArenaMessages, arenaChannels } from '../shared/channels.js';
import { type JoinTarget, joinArena } from '../shared/join-room.js';
import { type Ship, spawnShip, stepShip } from '../shared/ship.js';
import { SEND_INTERVAL_MS, SHIP_ENTITY_ID } from '../shared/world.js';
import { Wanderer } from './wander.js';

/** Options of {@link startBot}. */
export interface BotOptions {
  /** The lobby's WebSocket URL. */
  lobbyUrl: string;
  /** Display name. */
  name: string;
  /** Which room to join. Default: quick-join the busiest arena. */
  target?: JoinTarget;
  /** Simulated network on the bot's outgoing traffic (see `SIMULATED_LAG`). */
  lag?: LinkConditioner | undefined;
  /** Whether the bot says hello to human players who join (one bot per room is enough). */
  greet?: boolean;
  /** Where the bot reports what happens (joins, path changes). */
  log?: (line: string) => void;
}

/** A running bot. */
export interface Bot {
  /** Its lobby connection. */
  readonly lobby: LobbyClient<ArenaMessages>;
  /** The room it plays in. */
  readonly room: Room<ArenaMessages>;
  /** Its ship, as it flies. */
  readonly ship: Ship;
  /** Leaves the room and disconnects. */
  stop(): Promise<void>;
}

const GREETINGS = ['hi {name}! arrow keys to fly', 'welcome, {name} o/', 'hey {name}, catch me if you can'];

/** A headless player: joins an arena with the same SDK as the page and wanders around it. */
export async function startBot(options: BotOptions): Promise<Bot> {
  const log = options.log ?? (() => undefined);
  const lobby = await connect(options.lobbyUrl, {
    name: options.name,
    channels: arenaChannels,
    ...(options.lag === undefined ? {} : { room: { conditioner: options.lag } }),
  });
  const room = await joinArena(lobby, options.target ?? { kind: 'quick' });
  log(`${options.name} joined room ${room.code} (${room.peers.size} other players)`);
  const ship = spawnShip();
  const pilot = new Wanderer();
  room.on('peer:join', (peer) => {
    log(`${options.name}: ${peer.name} joined`);
    if (options.greet === true && !peer.name.startsWith('Bot ')) {
      const line = GREETINGS[Math.floor(Math.random() * GREETINGS.length)]!;
      setTimeout(() => room.broadcast('chat', { text: line.replace('{name}', peer.name) }), 800);
    }
  });
  room.on('peer:leave', (peer) => log(`${options.name}: ${peer.name} left`));
  room.on('path:change', ({ peer, to, reason }) =>
    log(`${options.name} ↔ ${peer.name}: ${to.toUpperCase()} (${reason})`),
  );
  let last = performance.now();
  const physics = setInterval(() => {
    const now = performance.now();
    stepShip(ship, pilot.controls(ship), Math.min(0.1, (now - last) / 1000));
    last = now;
  }, 1000 / 60);
  const sender = setInterval(() => {
    room.broadcast('pos', [{ id: SHIP_ENTITY_ID, x: ship.x, y: ship.y, yaw: ship.yaw }]);
  }, SEND_INTERVAL_MS);
  return {
    lobby,
    room,
    ship,
    async stop() {
      clearInterval(physics);
      clearInterval(sender);
      await room.leave().catch(() => undefined);
      lobby.close();
    },
  };
}
