import { connect, type LobbyClient } from '@handoff/transport';
import { type ArenaMessages, arenaChannels } from '../shared/channels.js';
import { type JoinTarget, joinArena } from '../shared/join-room.js';
import { describeLag } from '../shared/network-lag.js';
import { runGame } from './game.js';
import { askToJoin } from './join-screen.js';
import { readParams } from './params.js';

const params = readParams(location);
const fallbackName = `Pilot ${Math.floor(100 + Math.random() * 900)}`;

/** Connects, joins, and runs the game; asks again (with the error) if that fails. */
async function start(): Promise<void> {
  let name = params.name;
  let target: JoinTarget | undefined = params.target;
  let error: string | undefined;
  for (;;) {
    if (name === undefined || target === undefined || error !== undefined) {
      ({ name, target } = await askToJoin(name ?? fallbackName, error));
    }
    let lobby: LobbyClient<ArenaMessages> | undefined;
    try {
      lobby = await connect(params.lobbyUrl, {
        name,
        channels: arenaChannels,
        ...(params.lag === undefined ? {} : { room: { conditioner: params.lag } }),
      });
      const room = await joinArena(lobby, target);
      runGame(lobby, room, describeLag(params.lag));
      return;
    } catch (failure) {
      lobby?.close();
      error = `Could not join: ${(failure as Error).message}`;
    }
  }
}

void start();
