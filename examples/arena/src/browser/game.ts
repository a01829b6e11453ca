import type { LobbyClient, Room } from '@handoff/transport';
import type { ArenaMessages } from '../shared/channels.js';
import { spawnShip, stepShip } from '../shared/ship.js';
import { playerHue, SEND_INTERVAL_MS, SHIP_ENTITY_ID } from '../shared/world.js';
import { ChatBox } from './chat-box.js';
import { installDebugHandle } from './debug-handle.js';
import { Hud } from './hud.js';
import { Keyboard } from './keyboard.js';
import { attachLinkCutter } from './link-cutter.js';
import { inviteLink } from './params.js';
import { RemoteShips } from './remote-ships.js';
import { ArenaRenderer, type ShipSprite } from './renderer.js';

const byId = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** The running game: the local ship, the others, the HUD and the chat, on one room. */
export function runGame(
  lobby: LobbyClient<ArenaMessages>,
  room: Room<ArenaMessages>,
  lagLabel: string,
): void {
  const ship = spawnShip();
  const keyboard = new Keyboard(window);
  const remotes = new RemoteShips(room);
  const renderer = new ArenaRenderer(byId('arena'));
  const hud = new Hud(byId('hud'), room, remotes);
  new ChatBox(byId('chat-log'), byId('chat-input'), room);
  showRoom(room, lagLabel);
  attachLinkCutter(byId('cut-direct'), room);
  const myHue = playerHue(lobby.playerId);
  const myTrail: { x: number; y: number }[] = [];

  setInterval(() => {
    room.broadcast('pos', [{ id: SHIP_ENTITY_ID, x: ship.x, y: ship.y, yaw: ship.yaw }]);
  }, SEND_INTERVAL_MS);
  setInterval(() => hud.update(performance.now()), 100);

  let last = performance.now();
  const frame = (now: number): void => {
    stepShip(ship, keyboard.controls(), Math.min(0.1, (now - last) / 1000));
    last = now;
    myTrail.push({ x: ship.x, y: ship.y });
    if (myTrail.length > 24) myTrail.shift();
    const sprites: ShipSprite[] = [];
    for (const remote of remotes.sample(now)) {
      if (remote.state === undefined) continue;
      sprites.push({
        x: remote.state.x,
        y: remote.state.y,
        yaw: remote.state.yaw ?? 0,
        hue: playerHue(remote.peer.id),
        label: remote.peer.name,
        path: remote.peer.path,
        trail: remote.trail,
      });
    }
    sprites.push({
      x: ship.x,
      y: ship.y,
      yaw: ship.yaw,
      hue: myHue,
      label: `${lobby.name} (you)`,
      trail: myTrail,
    });
    renderer.draw(sprites);
    hud.draw(now);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);

  installDebugHandle({
    roomCode: room.code,
    playerId: lobby.playerId,
    me: () => ({ x: ship.x, y: ship.y }),
    peers: () =>
      [...room.peers.values()].map((peer) => {
        const figures = hud.figures.get(peer.id);
        const drawn = remotes.drawn(peer.id);
        return {
          id: peer.id,
          name: peer.name,
          path: peer.path,
          rttMs: figures?.rttMs,
          rttByPathMs: hud.medianRtt(peer.id),
          timeToDirectMs: figures?.timeToDirectMs,
          fallbacks: room.stats(peer.id).fallbacks.length,
          x: drawn?.x,
          y: drawn?.y,
        };
      }),
  });
  room.on('room:left', (reason) => {
    byId('room-info').textContent = `left the room (${reason}) — reload to play again`;
  });
}

function showRoom(room: Room<ArenaMessages>, lagLabel: string): void {
  const info = byId('room-info');
  const code = document.createElement('button');
  code.className = 'room-code';
  code.title = 'copy the invite link';
  code.textContent = `room ${room.code}`;
  code.dataset.code = room.code;
  code.addEventListener('click', () => {
    void navigator.clipboard?.writeText(inviteLink(location, room.code)).then(() => {
      code.textContent = 'invite link copied';
      setTimeout(() => {
        code.textContent = `room ${room.code}`;
      }, 1500);
    });
  });
  info.replaceChildren(document.createTextNode(`${room.name} · `), code);
  byId('lag-info').textContent = lagLabel;
}
