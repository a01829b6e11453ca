import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Session } from '@handoff/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { LobbyServer } from '../../packages/lobby/src/index.js';
import { startLobby } from '../../packages/lobby/test/support/lobby-fixture.js';
import { RawClient } from '../../packages/lobby/test/support/raw-client.js';
import { connect, type LobbyClient } from '../../packages/transport/src/index.js';
import { startCliLobby } from '../support/cli-lobby.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a victim client and a stalled lobby (issue #12, rows 8 and 12)', () => {
  let lobby: LobbyServer | undefined;
  let child: ChildProcess | undefined;
  const clients: { close(): void }[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await lobby?.stop(200);
    lobby = undefined;
    child?.kill('SIGCONT');
    child?.kill('SIGKILL');
    child = undefined;
  });

  it('five members each pinging a victim as fast as their own limits allow never get the victim closed', async () => {
    let url: string;
    ({ lobby, url } = await startLobby());
    const rejected: number[] = [];
    lobby.on('connection:reject', (event) => rejected.push(event.code));
    const victim = await connect(url, { name: 'victim', room: { direct: 'never' } });
    clients.push(victim);
    const lost: number[] = [];
    victim.on('connection:lost', (event) => lost.push(event.code));
    const room = await victim.createRoom({ name: 'R', capacity: 6, visibility: 'public' });
    const attackers: { raw: RawClient; session: Session }[] = [];
    for (let i = 0; i < 5; i++) {
      const raw = await RawClient.welcomed(url, `pinger${i}`);
      clients.push(raw);
      await raw.request({ type: 'room:join', roomId: room.id });
      // A real session, so every datagram is valid and ack-eliciting: the victim must acknowledge each.
      attackers.push({
        raw,
        session: new Session({ channels: [{ name: 'x', kind: 'unreliable' }] }, { message: () => {} }),
      });
    }
    const framesBefore = victim.relayFramesSent;
    const started = performance.now();
    // Each attacker: 250 valid datagrams a second to the victim (under its own 300 frames/s) for 8 s.
    const timer = setInterval(() => {
      for (const { raw, session } of attackers) {
        for (let k = 0; k < 10; k++) {
          session.ping();
          for (const datagram of session.poll(performance.now())) raw.relayTo(0, datagram);
        }
      }
    }, 40);
    await new Promise((resolve) => setTimeout(resolve, 8000));
    clearInterval(timer);
    const perSecond = (victim.relayFramesSent - framesBefore) / ((performance.now() - started) / 1000);
    console.log(
      `victim under 5 pingers: ${perSecond.toFixed(0)} relay frames/s, closes ${JSON.stringify(lost)}`,
    );
    expect(lost).toEqual([]);
    expect(rejected).toEqual([]);
    // One bundle per flush, whatever the number of peers acknowledged in it: far under the 300/s limit.
    expect(perSecond).toBeLessThan(150);
  });

  it('a lobby stalled longer than the idle timeout closes nobody once it runs again', async () => {
    const port = await freePort();
    child = await startCliLobby(port, ['--idle-timeout-ms', '3000', '--heartbeat-interval-ms', '1000']);
    const url = `ws://127.0.0.1:${port}/`;
    const players: LobbyClient[] = [];
    const lost: number[] = [];
    for (let i = 0; i < 4; i++) {
      const player = await connect(url, { name: `p${i}` });
      clients.push(player);
      player.on('connection:lost', (event) => lost.push(event.code));
      players.push(player);
    }
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGSTOP'); // a long GC pause, a debugger, a frozen VM: 5 s, past the 3 s idle timeout
    await new Promise((resolve) => setTimeout(resolve, 5000));
    child.kill('SIGCONT');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(lost).toEqual([]);
    expect(players.every((player) => player.state === 'connected')).toBe(true);
  });
});
