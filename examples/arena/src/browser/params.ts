import type { LinkConditioner } from '@handoff/transport';
import type { JoinTarget } from '../shared/join-room.js';
import { SIMULATED_LAG } from '../shared/network-lag.js';

/** What the page's URL asks for. */
export interface PageParams {
  /** `?name=` — skips asking. */
  name: string | undefined;
  /** `?room=CODE` joins a friend's room, `?join=quick` the busiest arena — both skip the join screen. */
  target: JoinTarget | undefined;
  /** `?lobby=ws://...`; default: `/lobby` on the page's own origin (where `npm run demo` serves it). */
  lobbyUrl: string;
  /** `?lag=off` turns the simulated internet off. */
  lag: LinkConditioner | undefined;
}

/** Reads the page's parameters from its URL. */
export function readParams(location: Location): PageParams {
  const query = new URLSearchParams(location.search);
  const code = query.get('room')?.trim();
  const join = query.get('join');
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return {
    name: query.get('name')?.trim() || undefined,
    target:
      code !== undefined && code !== ''
        ? { kind: 'code', code }
        : join === 'quick' || join === 'private'
          ? { kind: join }
          : undefined,
    lobbyUrl: query.get('lobby') ?? `${scheme}://${location.host}/lobby`,
    lag: query.get('lag') === 'off' ? undefined : SIMULATED_LAG,
  };
}

/** The link a friend opens to land in this room. */
export function inviteLink(location: Location, code: string): string {
  const url = new URL(location.href);
  url.search = '';
  url.searchParams.set('room', code);
  const lag = new URLSearchParams(location.search).get('lag');
  if (lag !== null) url.searchParams.set('lag', lag);
  return url.toString();
}
