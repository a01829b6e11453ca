/** The open-files limit the server children inherit, for the notes. */
import { execFileSync } from 'node:child_process';

/** `ulimit -n` of this process (children inherit it), or `?` when it cannot be read. */
export function ulimit(): string {
  try {
    return execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}
