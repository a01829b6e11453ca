import type { JoinTarget } from '../shared/join-room.js';

const element = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

/** Asks for a name and a room (quick join by default: Enter). Resolves when the player picks. */
export function askToJoin(
  defaultName: string,
  error?: string,
): Promise<{ name: string; target: JoinTarget }> {
  const dialog = element<HTMLDialogElement>('join');
  const form = element<HTMLFormElement>('join-form');
  const name = element<HTMLInputElement>('join-name');
  const code = element<HTMLInputElement>('join-code');
  name.value ||= defaultName;
  element('join-error').textContent = error ?? '';
  dialog.showModal();
  return new Promise((resolve) => {
    const submit = (event: SubmitEvent): void => {
      event.preventDefault();
      const button = (event.submitter as HTMLButtonElement | null)?.value ?? 'quick';
      const target: JoinTarget =
        button === 'code' && code.value.trim() !== ''
          ? { kind: 'code', code: code.value.trim() }
          : button === 'private'
            ? { kind: 'private' }
            : { kind: 'quick' };
      form.removeEventListener('submit', submit);
      dialog.close();
      resolve({ name: name.value.trim() || defaultName, target });
    };
    form.addEventListener('submit', submit);
  });
}
