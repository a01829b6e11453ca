import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { LobbyServer } from '../../packages/lobby/src/index.js';
import { startLobby } from '../../packages/lobby/test/support/lobby-fixture.js';
import { RawClient } from '../../packages/lobby/test/support/raw-client.js';
import { loadDefaultRtcPeerConnection } from '../../packages/transport/src/direct/webrtc-node.js';
import { connect, type LobbyClient } from '../../packages/transport/src/index.js';

/** A real offer SDP (node-datachannel), without candidates. */
async function realOffer(): Promise<string> {
  const RTCPeerConnection = await loadDefaultRtcPeerConnection();
  const pc = new RTCPeerConnection({ iceServers: [] });
  pc.createDataChannel('x');
  await pc.setLocalDescription(await pc.createOffer());
  const sdp = pc.localDescription!.sdp;
  pc.close();
  return sdp
    .split(/\r?\n/)
    .filter((l) => !l.startsWith('a=candidate:') && !l.startsWith('a=end-of-candidates'))
    .join('\r\n');
}

/**
 * A hostile room member against a real `@handoff/transport` client (issue
 * #12, rows 9 and 10). The attacker is a raw protocol client whose id sorts
 * below the victim's, so the victim is the answering side of their pair.
 */
describe('signaling abuse against a real client', () => {
  let lobby: LobbyServer;
  const clients: { close(): void }[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    for (const socket of sockets.splice(0)) socket.close();
    await lobby.stop(200);
  });

  async function victimAndAttacker(): Promise<{
    victim: LobbyClient;
    attacker: RawClient;
    answers: () => number;
  }> {
    let url: string;
    ({ lobby, url } = await startLobby({ limits: { maxSignalsPerSecond: 1000 } }));
    const victim = await connect(url, { name: 'victim' });
    clients.push(victim);
    const room = await victim.createRoom({ name: 'R', capacity: 4, visibility: 'public' });
    let attacker: RawClient;
    for (let tries = 0; ; tries++) {
      attacker = await RawClient.welcomed(url, 'attacker');
      if (attacker.welcome!.playerId < victim.playerId) break; // the lower id offers
      // Not lower: let it go at once (sockets per address are limited), and try again.
      attacker.close();
      await attacker.closed;
      if (tries > 200) throw new Error('no attacker id sorts below the victim');
    }
    clients.push(attacker);
    await attacker.request({ type: 'room:join', roomId: room.id });
    const answers = (): number =>
      attacker.messages.filter(
        (m) => m.type === 'signal' && m.signal.kind === 'description' && m.signal.sdpType === 'answer',
      ).length;
    return { victim, attacker, answers };
  }

  it('an offer flood: the victim answers a burst of 3, then about one a second, and its memory stays flat', async () => {
    const { victim, attacker, answers } = await victimAndAttacker();
    const sdp = await realOffer();
    const rssBefore = process.memoryUsage().rss;
    for (let i = 0; i < 300; i++) {
      attacker.send({
        type: 'signal',
        to: victim.playerId,
        signal: { kind: 'description', sdpType: 'offer', sdp },
      });
      if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 100)); // 100 offers a second for 3 s
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    console.log(`offer flood: 300 offers, ${answers()} answers`);
    expect(answers()).toBeLessThanOrEqual(3 + 5);
    expect(answers()).toBeGreaterThanOrEqual(1);
    expect((process.memoryUsage().rss - rssBefore) / 2 ** 20).toBeLessThan(40);
  });

  it('STUN via the victim: of 60 candidates in one offer, connectivity checks reach at most 16 addresses', async () => {
    const { victim, attacker } = await victimAndAttacker();
    // 60 UDP sockets on loopback addresses (the only targets a test may use here) count who gets STUN.
    const reached = new Set<string>();
    const candidates: string[] = [];
    for (let i = 0; i < 60; i++) {
      const host = `127.0.${1 + Math.floor(i / 50)}.${100 + (i % 50)}`;
      const socket = createSocket('udp4');
      sockets.push(socket);
      socket.on('message', () => reached.add(host));
      await new Promise<void>((resolve) => socket.bind(0, host, () => resolve()));
      candidates.push(`candidate:${i} 1 UDP ${2122317823 - i} ${host} ${socket.address().port} typ host`);
    }
    const sdp = `${await realOffer()}\r\n${candidates.map((c) => `a=${c}`).join('\r\n')}\r\n`;
    attacker.send({
      type: 'signal',
      to: victim.playerId,
      signal: { kind: 'description', sdpType: 'offer', sdp },
    });
    await new Promise((resolve) => setTimeout(resolve, 4000));
    console.log(`STUN via the victim: checks reached ${reached.size} of 60 addresses`);
    expect(reached.size).toBeLessThanOrEqual(16);
  });
});
