/**
 * One NAT-lab player: a real `@handoff/transport` client, run inside a host
 * namespace by the orchestrator (`run.ts`). From the moment it knows a peer it
 * sends it numbered chat messages (reliable-ordered) and broadcasts positions
 * (unreliable-sequenced); it reports path changes and, on request, what it
 * sent and received. Protocol: `player-messages.ts`.
 *
 * @module
 */
import { createInterface } from 'node:readline';
import { type ChatMessage, chatCodec, createPositionCodec, type EntityState } from '@handoff/protocol';
import { connect, defineChannels, type LobbyClient, positionChannel, type Room } from '@handoff/transport';
import { delaySince, PeerTraffic, percentileOf, stampOf } from './peer-traffic.js';
import type { PeerReport, PlayerCommand, PlayerConfig, PlayerEvent } from './player-messages.js';

type Channels = { chat: ChatMessage; pos: EntityState[] };

/** Distributes the `Omit` over the event union, so each variant keeps its own fields. */
type WithoutTime<E> = E extends unknown ? Omit<E, 'at'> : never;

function emit(event: WithoutTime<PlayerEvent>): void {
  process.stdout.write(`${JSON.stringify({ ...event, at: Date.now() })}\n`);
}

const config = JSON.parse(process.argv[2] ?? '{}') as PlayerConfig;
if (config.rtcLog === true) {
  // A dependency of @handoff/transport; loaded only for this diagnostic.
  const { initLogger } = await import('node-datachannel');
  initLogger('Debug', (level, message) => process.stderr.write(`${Date.now()} ${level} ${message}\n`));
}
const channels = defineChannels<Channels>({
  chat: { kind: 'reliable-ordered', codec: chatCodec },
  pos: positionChannel(createPositionCodec()),
});
const traffic = new Map<string, PeerTraffic>();
const trafficOf = (peerId: string): PeerTraffic => {
  let entry = traffic.get(peerId);
  if (entry === undefined) {
    entry = new PeerTraffic();
    traffic.set(peerId, entry);
  }
  return entry;
};
let positionCounter = 0;
let lobbyDrops = 0;
const timers: ReturnType<typeof setInterval>[] = [];

/** `connect` gives up on a failed first connection (by design: the game decides); this game retries a few times. */
async function connectWithRetries(attempts: number): Promise<LobbyClient<Channels>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connect<Channels>(config.url, {
        name: config.name,
        channels,
        room: { direct: config.direct ?? 'auto' },
      });
    } catch (error) {
      if (attempt >= attempts) throw error;
      emit({ type: 'lobby', event: `connect failed (${(error as Error).message}), retrying` });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

const lobby = await connectWithRetries(5);
emit({ type: 'ready', playerId: lobby.playerId });
lobby.on('connection:lost', () => {
  lobbyDrops++;
  emit({ type: 'lobby', event: 'connection:lost' });
});
lobby.on('connection:restored', ({ resumed }) =>
  emit({ type: 'lobby', event: `restored resumed=${resumed}` }),
);
lobby.on('connection:closed', () => emit({ type: 'lobby', event: 'connection:closed' }));
// What each peer's signals show of it: the candidate types (turn-only must show `relay` only).
lobby.on('signal', ({ from, signal }) => {
  const lines =
    signal.kind === 'candidate'
      ? [signal.candidate]
      : signal.kind === 'description'
        ? signal.sdp.split(/\r?\n/).filter((line) => line.startsWith('a=candidate:'))
        : [];
  for (const line of lines) {
    const fields = line.split(/\s+/);
    const at = fields.indexOf('typ');
    if (at >= 0) trafficOf(from).candidateTypes.push(fields[at + 1] ?? '?');
  }
});

/** Starts play in a room: listeners first, then the send timers. */
function play(room: Room<Channels>): void {
  emit({ type: 'room', roomId: room.id, code: room.code });
  const known = (peerId: string, peerName: string): void => {
    trafficOf(peerId);
    emit({ type: 'peer', peerId, peerName });
  };
  for (const peer of room.peers.values()) known(peer.id, peer.name);
  room.on('peer:join', (peer) => known(peer.id, peer.name));
  room.on('peer:leave', (peer, reason) => trafficOf(peer.id).anomaly(`peer left: ${reason}`));
  room.on('room:left', (reason) => emit({ type: 'error', message: `room left: ${reason}` }));
  room.on('path:change', ({ peer, from, to, reason }) =>
    emit({ type: 'path', peerId: peer.id, from, to, reason }),
  );
  room.on('message', (event) => {
    const peerTraffic = trafficOf(event.from.id);
    if (event.channel === 'chat') peerTraffic.chatArrived(Number(event.message.text));
    else {
      const entity = event.message[0];
      peerTraffic.positionArrived(
        entity?.x ?? Number.NaN,
        performance.now(),
        entity === undefined
          ? undefined
          : { ms: delaySince(entity.y, Date.now()), path: room.peers.get(event.from.id)?.path ?? 'relay' },
      );
    }
  });
  room.on('message:error', ({ from, channel, error }) =>
    trafficOf(from.id).anomaly(`undecodable ${channel}: ${error.message}`),
  );
  timers.push(
    setInterval(() => {
      for (const [peerId, peerTraffic] of traffic) {
        try {
          room.send(peerId, 'chat', { text: String(peerTraffic.chatSent), sentAt: Date.now() });
          peerTraffic.chatSent++;
        } catch (error) {
          // Back-pressure (SendQueueFullError): nothing was queued; the same id goes next tick.
          peerTraffic.anomaly(`send refused: ${(error as Error).name}`);
        }
      }
    }, 1000 / config.chatHz),
    setInterval(() => {
      // 0.01 per update is several quantization steps (1/512): x strictly grows on the wire too.
      // y carries the send time: the receiver measures each position's one-way delay.
      room.broadcast('pos', [
        { id: 1, x: (positionCounter++ % 100_000) * 0.01, y: stampOf(Date.now()), z: 0 },
      ]);
      for (const peerId of room.peers.keys()) trafficOf(peerId).positionsSent++;
    }, 1000 / config.positionHz),
  );
  current = room;
}

let current: Room<Channels> | undefined;

async function quiesce(timeoutMs: number): Promise<void> {
  for (const timer of timers.splice(0)) clearInterval(timer);
  for (const peerTraffic of traffic.values()) peerTraffic.stopGapClock();
  const pending = (): number =>
    current === undefined
      ? 0
      : [...current.peers.keys()].reduce(
          (sum, id) => sum + current!.stats(id).session.pendingReliableMessages,
          0,
        );
  const deadline = performance.now() + timeoutMs;
  while (pending() > 0 && performance.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
  emit({ type: 'quiet', pendingReliable: pending() });
}

/** Median, 99th percentile and most of some delays (undefined for none). */
function delaySummary(delays: readonly number[]): PeerReport['positionDelayMs'] {
  if (delays.length === 0) return undefined;
  return {
    p50: Math.round(percentileOf(delays, 50)!),
    p99: Math.round(percentileOf(delays, 99)!),
    max: Math.round(Math.max(...delays)),
  };
}

function report(): void {
  const room = current;
  const peers: PeerReport[] = [];
  for (const [peerId, peerTraffic] of traffic) {
    const peer = room?.peers.get(peerId);
    const stats = peer === undefined ? undefined : room!.stats(peerId);
    peers.push({
      peerId,
      peerName: peer?.name ?? '?',
      path: stats?.path ?? 'relay',
      chatSent: peerTraffic.chatSent,
      chatReceived: peerTraffic.chatReceived,
      chatAnomalies: peerTraffic.chatAnomalies,
      positionsSent: peerTraffic.positionsSent,
      positionsReceived: peerTraffic.positionsReceived,
      positionsBackwards: peerTraffic.positionsBackwards,
      longestPositionGapMs: Math.round(peerTraffic.longestPositionGapMs),
      timeToDirectMs: stats?.timeToDirectMs === undefined ? undefined : Math.round(stats.timeToDirectMs),
      switches: stats?.switches ?? 0,
      fallbackReasons: stats?.fallbacks.map((fallback) => fallback.reason) ?? [],
      datagramsOut: {
        relay: stats?.traffic.relay.datagramsOut ?? 0,
        turn: stats?.traffic.turn.datagramsOut ?? 0,
        direct: stats?.traffic.direct.datagramsOut ?? 0,
      },
      datagramsIn: {
        relay: stats?.traffic.relay.datagramsIn ?? 0,
        turn: stats?.traffic.turn.datagramsIn ?? 0,
        direct: stats?.traffic.direct.datagramsIn ?? 0,
      },
      positionDelayMs: delaySummary(peerTraffic.positionDelaysMs[stats?.path ?? 'relay'] ?? []),
      candidateTypes: [...peerTraffic.candidateTypes],
    });
  }
  emit({ type: 'report', playerId: lobby.playerId, name: config.name, peers, lobbyDrops });
}

async function handle(command: PlayerCommand): Promise<void> {
  switch (command.cmd) {
    case 'create':
      play(
        await lobby.createRoom({
          name: `natlab ${config.name}`,
          capacity: command.capacity,
          visibility: 'private',
        }),
      );
      return;
    case 'join':
      play(await lobby.joinRoom({ code: command.code }));
      return;
    case 'quiesce':
      await quiesce(command.timeoutMs);
      return;
    case 'report':
      report();
      return;
    case 'exit':
      // Our own close is not news: no lobby or room events from here on.
      current?.removeAllListeners();
      lobby.removeAllListeners();
      lobby.close();
      process.exit(0);
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  handle(JSON.parse(line) as PlayerCommand).catch((error: unknown) => {
    emit({ type: 'error', message: `${line}: ${(error as Error).message}` });
  });
});
process.stdin.on('end', () => process.exit(0));
