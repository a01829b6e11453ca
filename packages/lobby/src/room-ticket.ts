import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Visibility } from '@handoff/protocol/lobby';

/**
 * What a sealed room ticket carries: enough to put a player back into its
 * room after the lobby lost its state (a restart). Room metadata is not in
 * it (it changes; the client brings its last copy).
 */
export interface RoomTicket {
  playerId: string;
  playerName: string;
  roomId: string;
  roomCode: string;
  roomName: string;
  capacity: number;
  visibility: Visibility;
  /** SHA-256 of the room password, if it has one. */
  passwordDigest: Buffer | undefined;
  /** When the ticket was sealed (ms since the epoch). */
  issuedAt: number;
  /** The player was the room's host: only a host's ticket brings back host status and metadata. */
  wasHost: boolean;
  /** The room's membership epoch when sealed (it grows with every join and leave). */
  epoch: number;
  /** Ids of the room's members when sealed (the player included). */
  members: string[];
}

const VERSION = 2;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals and opens room tickets with AES-256-GCM under a key derived (HKDF)
 * from the lobby's resume secret. Encryption, not just a MAC: a ticket
 * holds the room's password digest, which players must not learn. With the
 * same secret, a restarted lobby opens the tickets of the previous one.
 */
export class RoomTicketSealer {
  private readonly key: Buffer;

  /** `secret` undefined: a random key, so tickets die with this process. */
  constructor(secret: string | undefined) {
    const material = secret === undefined ? randomBytes(32) : Buffer.from(secret, 'utf8');
    this.key = Buffer.from(hkdfSync('sha256', material, 'handoff', 'room-ticket v1', 32));
    // (The HKDF label stays v1: the key is the same; the layout is versioned by the first byte.)
  }

  /** A base64url ticket (about 250–400 characters). */
  seal(ticket: RoomTicket): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const plain = Buffer.from(
      JSON.stringify([
        ticket.playerId,
        ticket.playerName,
        ticket.roomId,
        ticket.roomCode,
        ticket.roomName,
        ticket.capacity,
        ticket.visibility,
        ticket.passwordDigest?.toString('base64') ?? '',
        ticket.issuedAt,
        ticket.wasHost,
        ticket.epoch,
        ticket.members,
      ]),
      'utf8',
    );
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** The ticket's content, or undefined if it was not sealed with this key (or is malformed). */
  open(sealed: string): RoomTicket | undefined {
    const bytes = Buffer.from(sealed, 'base64url');
    if (bytes.length < 1 + IV_BYTES + TAG_BYTES + 2 || bytes[0] !== VERSION) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(1, 1 + IV_BYTES));
      decipher.setAuthTag(bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]);
      return parse(JSON.parse(plain.toString('utf8')) as unknown);
    } catch {
      return undefined;
    }
  }
}

// Authenticated by GCM, so only this lobby's own output reaches here; the
// shape check guards against a ticket from an older, different layout.
function parse(value: unknown): RoomTicket | undefined {
  if (!Array.isArray(value) || value.length !== 12) return undefined;
  const [
    playerId,
    playerName,
    roomId,
    roomCode,
    roomName,
    capacity,
    visibility,
    digest,
    issuedAt,
    wasHost,
    epoch,
    members,
  ] = value as unknown[];
  if (
    typeof playerId !== 'string' ||
    typeof playerName !== 'string' ||
    typeof roomId !== 'string' ||
    typeof roomCode !== 'string' ||
    typeof roomName !== 'string' ||
    typeof capacity !== 'number' ||
    (visibility !== 'public' && visibility !== 'private') ||
    typeof digest !== 'string' ||
    typeof issuedAt !== 'number' ||
    typeof wasHost !== 'boolean' ||
    typeof epoch !== 'number' ||
    !Array.isArray(members) ||
    !members.every((member) => typeof member === 'string')
  )
    return undefined;
  return {
    playerId,
    playerName,
    roomId,
    roomCode,
    roomName,
    capacity,
    visibility,
    passwordDigest: digest === '' ? undefined : Buffer.from(digest, 'base64'),
    issuedAt,
    wasHost,
    epoch,
    members: members as string[],
  };
}
