import type { Room } from '@handoff/transport';
import type { ArenaMessages } from '../shared/channels.js';
import { playerHue } from '../shared/world.js';
import { isTyping } from './keyboard.js';

const MAX_LINES = 60;

/** The chat: lines from the room's reliable `chat` channel, and a box to send one (Enter). */
export class ChatBox {
  constructor(
    private readonly log: HTMLOListElement,
    input: HTMLInputElement,
    room: Room<ArenaMessages>,
  ) {
    room.on('message', (event) => {
      if (event.channel === 'chat') this.add(event.from.name, event.message.text, playerHue(event.from.id));
    });
    room.on('peer:join', (peer) => this.notice(`${peer.name} joined`));
    room.on('peer:leave', (peer) => this.notice(`${peer.name} left`));
    room.on('path:change', ({ peer, to }) => this.notice(`${peer.name}: now ${to.toUpperCase()}`));
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') input.blur();
      if (event.key !== 'Enter') return;
      const text = input.value.trim();
      input.value = '';
      if (text === '') {
        input.blur();
        return;
      }
      room.broadcast('chat', { text, sentAt: Date.now() });
      this.add(room.me.name, text, playerHue(room.me.id));
    });
    window.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !isTyping(event.target)) {
        input.focus();
        event.preventDefault();
      }
    });
  }

  /** Shows a chat line. */
  add(from: string, text: string, hue: number): void {
    const line = document.createElement('li');
    const who = document.createElement('b');
    who.textContent = `${from}: `;
    who.style.color = `hsl(${hue}, 90%, 70%)`;
    line.append(who, document.createTextNode(text));
    this.append(line);
  }

  private notice(text: string): void {
    const line = document.createElement('li');
    line.className = 'notice';
    line.textContent = text;
    this.append(line);
  }

  private append(line: HTMLLIElement): void {
    this.log.append(line);
    while (this.log.children.length > MAX_LINES) this.log.firstElementChild?.remove();
    this.log.scrollTop = this.log.scrollHeight;
  }
}
