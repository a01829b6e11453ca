import {
  BROADCAST_HEADER_BYTES,
  FrameKind,
  LobbyErrorCode,
  RELAY_HEADER_BYTES,
  readRelayPeerIndex,
  writeRelayPeerIndex,
} from '@handoff/protocol/lobby';
import type { LobbyState } from './lobby-state.js';
import type { Player } from './player.js';

/**
 * The relay hot path. A frame to one peer is forwarded as the same bytes,
 * with the destination index overwritten by the sender's; a broadcast is
 * framed once and that one buffer is queued to every other member. Payloads
 * are never decoded. Frames to an index nobody holds (a member that just
 * left) are dropped and counted, not answered: that race is normal.
 */
export function handleRelay(state: LobbyState, sender: Player, frame: Buffer): void {
  const room = sender.room;
  if (room === undefined) {
    state.fail(sender, LobbyErrorCode.NotInRoom, 'relay frames need a room');
    return;
  }
  const broadcast = frame[0] === FrameKind.Broadcast;
  const header = broadcast ? BROADCAST_HEADER_BYTES : RELAY_HEADER_BYTES;
  const payloadBytes = frame.length - header;
  if (payloadBytes < 1 || payloadBytes > state.limits.maxRelayPayloadBytes) {
    state.fail(
      sender,
      payloadBytes < 1 ? LobbyErrorCode.BadRequest : LobbyErrorCode.MessageTooLarge,
      `relay payload must be 1..${state.limits.maxRelayPayloadBytes} bytes`,
    );
    return;
  }
  if (!broadcast) {
    const target = room.byIndex[readRelayPeerIndex(frame)];
    if (target === undefined || target === sender || target.connection === undefined) {
      state.metrics.relay.dropped++;
      return;
    }
    writeRelayPeerIndex(frame, sender.peerIndex);
    target.connection.send(frame);
    state.metrics.relay.messages++;
    state.metrics.relay.bytes += frame.length;
    return;
  }
  const out = Buffer.allocUnsafe(payloadBytes + RELAY_HEADER_BYTES);
  out[0] = FrameKind.Relay;
  out.writeUInt16BE(sender.peerIndex, 1);
  frame.copy(out, RELAY_HEADER_BYTES, BROADCAST_HEADER_BYTES);
  let delivered = 0;
  for (const member of room.members) {
    if (member === sender || member.connection === undefined) continue;
    member.connection.send(out);
    delivered++;
  }
  state.metrics.relay.messages += delivered;
  state.metrics.relay.bytes += delivered * out.length;
}
