import type { LinkConditioner, Room } from '@handoff/transport';
import type { ArenaMessages } from '../shared/channels.js';

/**
 * Long enough for the peers to declare the link dead (1.4 s of silence),
 * short enough to be over before their retry (≥ 0.75 s after that), so the
 * new attempt succeeds at once instead of waiting out its 10 s timeout.
 */
const CUT_MS = 2000;

/**
 * The "cut direct links" button: for 2 s this player's direct traffic is
 * dropped (the link conditioner's loss 1), so every peer sees its direct
 * link die and falls back to the relay within 1.5 s, then goes direct again
 * about a second later — the fallback, live, without unplugging anything.
 */
export function attachLinkCutter(button: HTMLButtonElement, room: Room<ArenaMessages>): void {
  const normal: LinkConditioner | undefined = room.conditioner;
  button.addEventListener('click', () => {
    button.disabled = true;
    room.conditioner = { ...normal, direct: { ...normal?.direct, loss: 1 } };
    let left = CUT_MS / 1000;
    button.textContent = `direct links cut (${left} s)`;
    const countdown = setInterval(() => {
      left--;
      button.textContent = `direct links cut (${left} s)`;
    }, 1000);
    setTimeout(() => {
      clearInterval(countdown);
      room.conditioner = normal;
      button.disabled = false;
      button.textContent = 'cut direct links';
    }, CUT_MS);
  });
}
