import type { ShipControls } from '../shared/ship.js';

const KEYS: Record<string, 'left' | 'right' | 'thrust' | 'brake'> = {
  ArrowLeft: 'left',
  KeyA: 'left',
  ArrowRight: 'right',
  KeyD: 'right',
  ArrowUp: 'thrust',
  KeyW: 'thrust',
  ArrowDown: 'brake',
  KeyS: 'brake',
};

/** The keys held down, as ship controls. Keys typed into a text field do not steer. */
export class Keyboard {
  private readonly held = new Set<string>();

  constructor(target: Window) {
    target.addEventListener('keydown', (event) => {
      const action = KEYS[event.code];
      if (action === undefined || isTyping(event.target)) return;
      this.held.add(action);
      event.preventDefault();
    });
    target.addEventListener('keyup', (event) => {
      const action = KEYS[event.code];
      if (action !== undefined) this.held.delete(action);
    });
    // Keys released while the window had no focus never send keyup.
    target.addEventListener('blur', () => this.held.clear());
  }

  /** The controls for this step. */
  controls(): ShipControls {
    return {
      turn: (this.held.has('right') ? 1 : 0) - (this.held.has('left') ? 1 : 0),
      thrust: this.held.has('thrust'),
      brake: this.held.has('brake'),
    };
  }
}

/** Whether a key event goes to a text field. */
export function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
}
