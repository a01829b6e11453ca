import { HandoffError, MessageTooLargeError } from '@handoff/protocol';
import {
  BROADCAST_HEADER_BYTES,
  FrameKind,
  forEachBundleEntry,
  LobbyErrorCode,
  RELAY_HEADER_BYTES,
  readRelayPeerIndex,
} from '@handoff/protocol/lobby';
import type { LobbyState } from './lobby-state.js';
import type { Player } from './player.js';
import type { Room } from './room.js';

/**
 * The relay hot path. A client sends datagrams for one peer (relay frame),
 * for every other member (broadcast frame) or for several peers in one frame
 * (bundle, protocol ≥ 2). Each datagram is queued to its recipient stamped
 * with the sender's index, and every recipient gets what was relayed to it
 * within one flush window as one frame (a bundle; protocol-1 clients get one
 * relay frame per datagram). Payloads are never decoded. Datagrams to an
 * index nobody holds (a member that just left) are dropped and counted, not
 * answered: that race is normal.
 */
export function handleRelay(state: LobbyState, sender: Player, frame: Buffer): void {
  const room = sender.room;
  if (room === undefined) {
    state.fail(sender, LobbyErrorCode.NotInRoom, 'relay frames need a room');
    return;
  }
  const max = state.limits.maxRelayPayloadBytes;
  if (frame[0] === FrameKind.Bundle) {
    relayBundle(state, room, sender, frame, max);
    return;
  }
  const broadcast = frame[0] === FrameKind.Broadcast;
  const header = broadcast ? BROADCAST_HEADER_BYTES : RELAY_HEADER_BYTES;
  const payloadBytes = frame.length - header;
  if (payloadBytes < 1 || payloadBytes > max) {
    state.fail(
      sender,
      payloadBytes < 1 ? LobbyErrorCode.BadRequest : LobbyErrorCode.MessageTooLarge,
      `relay payload must be 1..${max} bytes`,
    );
    return;
  }
  const payload = frame.subarray(header);
  if (!broadcast) {
    relayOne(state, room, sender, readRelayPeerIndex(frame), payload);
    return;
  }
  let delivered = 0;
  for (const member of room.members) {
    if (member === sender || member.connection === undefined) continue;
    member.connection.relay(sender.peerIndex, payload);
    delivered++;
  }
  state.metrics.relay.messages += delivered;
  state.metrics.relay.bytes += delivered * payload.length;
  room.relayBytes += delivered * payload.length;
}

function relayBundle(state: LobbyState, room: Room, sender: Player, frame: Buffer, max: number): void {
  try {
    forEachBundleEntry(frame, max, (peerIndex, start, end) =>
      relayOne(state, room, sender, peerIndex, frame.subarray(start, end)),
    );
  } catch (error) {
    const code =
      error instanceof MessageTooLargeError ? LobbyErrorCode.MessageTooLarge : LobbyErrorCode.BadRequest;
    state.fail(sender, code, error instanceof HandoffError ? error.message : 'malformed relay bundle');
  }
}

function relayOne(
  state: LobbyState,
  room: Room,
  sender: Player,
  peerIndex: number,
  payload: Uint8Array,
): void {
  const target = room.byIndex[peerIndex];
  if (target === undefined || target === sender || target.connection === undefined) {
    state.metrics.relay.dropped++;
    return;
  }
  target.connection.relay(sender.peerIndex, payload);
  state.metrics.relay.messages++;
  state.metrics.relay.bytes += payload.length;
  room.relayBytes += payload.length;
}
