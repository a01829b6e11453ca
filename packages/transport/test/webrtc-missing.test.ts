/**
 * A Node client without the optional peer dependency node-datachannel: it
 * gets a typed error naming the package (once, as a process warning) and
 * keeps playing on the relay. The package is made to look missing the way
 * Node reports it (ERR_MODULE_NOT_FOUND) by mocking its import; the
 * consumer test (test/consumer) also runs a client where it is really absent.
 */
import { chatCodec } from '@handoff/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RtcPeerConnectionConstructor } from '../src/direct/webrtc.js';
import { WebRtcUnavailableError } from '../src/direct/webrtc.js';
import { createNodeRtcLoader } from '../src/direct/webrtc-node.js';
import { defineChannels, type Room } from '../src/index.js';
import { waitFor } from './support/helpers.js';
import { LobbyFixture } from './support/lobby-fixture.js';

function moduleNotFound(): Error {
  return Object.assign(
    new Error("Cannot find package 'node-datachannel' imported from /game/node_modules/@handoff/transport"),
    { code: 'ERR_MODULE_NOT_FOUND' },
  );
}

vi.mock('node-datachannel/polyfill', () => {
  throw moduleNotFound();
});

/** Collects the process warnings emitted while `run` runs. */
async function warningsDuring(run: () => Promise<void>): Promise<Error[]> {
  const seen: Error[] = [];
  const listener = (warning: Error): void => {
    seen.push(warning);
  };
  process.on('warning', listener);
  try {
    await run();
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

describe('the Node WebRTC loader without node-datachannel', () => {
  it('rejects with a WebRtcUnavailableError that names the package, and warns once', async () => {
    const load = createNodeRtcLoader(() => Promise.reject(moduleNotFound()));
    const errors: unknown[] = [];
    const warnings = await warningsDuring(async () => {
      for (let i = 0; i < 3; i++) errors.push(await load().catch((error: unknown) => error));
    });
    const error = errors[0];
    expect(error).toBeInstanceOf(WebRtcUnavailableError);
    expect(errors.every((each) => each === error)).toBe(true);
    const unavailable = error as WebRtcUnavailableError;
    expect(unavailable.name).toBe('WebRtcUnavailableError');
    expect(unavailable.packageName).toBe('node-datachannel');
    expect(unavailable.message).toContain('node-datachannel is not installed');
    expect(unavailable.message).toContain('npm install node-datachannel');
    expect(unavailable.message).toContain('relay');
    expect((unavailable.cause as { code?: string }).code).toBe('ERR_MODULE_NOT_FOUND');
    expect(warnings.filter((warning) => warning.name === 'WebRtcUnavailableError')).toHaveLength(1);
  });

  it('says so when the package is there but its native binary does not load', async () => {
    const load = createNodeRtcLoader(() =>
      Promise.reject(new Error('node_datachannel.node: invalid ELF header')),
    );
    const error = await load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebRtcUnavailableError);
    expect((error as Error).message).toContain('node-datachannel could not be loaded (');
    expect((error as Error).message).toContain('invalid ELF header');
  });
});

describe('a room whose players have no WebRTC keeps playing on the relay', () => {
  const channels = defineChannels({ chat: { kind: 'reliable-ordered', codec: chatCodec } });
  type Channels = { chat: { text: string } };
  let fixture: LobbyFixture | undefined;
  afterEach(async () => {
    await fixture?.stop();
    fixture = undefined;
  });

  async function chatBothWays(rooms: Room<Channels>[]): Promise<void> {
    const [a, b] = rooms as [Room<Channels>, Room<Channels>];
    const heard = (room: Room<Channels>): Promise<string> =>
      new Promise((resolve) => room.once('message', (event) => resolve(event.message.text)));
    const atB = heard(b);
    a.send(b.me.id, 'chat', { text: 'from a' });
    expect(await atB).toBe('from a');
    const atA = heard(a);
    b.broadcast('chat', { text: 'from b' });
    expect(await atA).toBe('from b');
  }

  it('both players without node-datachannel: chat flows, paths stay relay, one warning', async () => {
    fixture = await LobbyFixture.start();
    const changes: string[] = [];
    const warnings = await warningsDuring(async () => {
      const rooms = await fixture!.room<Channels>(2, () => ({
        channels,
        room: { directRetry: { initialDelayMs: 50, maxDelayMs: 100 } },
      }));
      for (const room of rooms) room.on('path:change', ({ from, to }) => changes.push(`${from}→${to}`));
      await chatBothWays(rooms);
      // Long enough for several direct attempts had WebRTC been there.
      await new Promise((resolve) => setTimeout(resolve, 600));
      await chatBothWays(rooms);
      for (const room of rooms) for (const peer of room.peers.values()) expect(peer.path).toBe('relay');
    });
    expect(changes).toEqual([]);
    const unavailable = warnings.filter((warning) => warning.name === 'WebRtcUnavailableError');
    expect(unavailable).toHaveLength(1);
    expect(unavailable[0]).toBeInstanceOf(WebRtcUnavailableError);
    expect(unavailable[0]!.message).toContain('npm install node-datachannel');
  });

  it('one player with WebRTC, one without: the pair stays on the relay and plays', async () => {
    const real = (await vi.importActual('node-datachannel/polyfill')) as {
      RTCPeerConnection: RtcPeerConnectionConstructor;
    };
    fixture = await LobbyFixture.start();
    const rooms = await fixture.room<Channels>(2, (index) => ({
      channels,
      room: {
        directRetry: { initialDelayMs: 50, maxDelayMs: 100 },
        ...(index === 0 ? { RTCPeerConnection: real.RTCPeerConnection } : {}),
      },
    }));
    await chatBothWays(rooms);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await chatBothWays(rooms);
    await waitFor(() => rooms.every((room) => [...room.peers.values()].every((p) => p.path === 'relay')));
  });
});
