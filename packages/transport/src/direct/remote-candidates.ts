import type { Signal } from '@handoff/protocol/lobby';

/**
 * What a peer's ICE candidates may ask of this client. A hostile room member
 * can put any address in a candidate (or in its offer's SDP), and ICE sends
 * connectivity checks — STUN requests — to each: without limits one offer
 * turns this client into a scanner of the attacker's choice.
 */
export interface RemoteCandidatePolicy {
  /** Remote candidates accepted per attempt (SDP and trickled together). Default 16. */
  maxPerAttempt: number;
  /** Accept loopback addresses (127/8, ::1): only when the lobby itself is on loopback (a lab or a test). */
  allowLoopback: boolean;
  /**
   * Accept relay (TURN) candidates only: `direct: 'turn-only'`. libdatachannel
   * honours `iceTransportPolicy: 'relay'` when it gathers, but still checks
   * pairs from its host socket to any remote candidate it is given: a peer's
   * host candidate would make a direct path and show it this player's address.
   */
  relayOnly?: boolean;
}

/** Default {@link RemoteCandidatePolicy.maxPerAttempt}. */
export const MAX_REMOTE_CANDIDATES = 16;

/** The connection address of an ICE candidate line (`candidate:f c transport priority ADDRESS port typ ...`). */
export function candidateAddress(candidate: string): string | undefined {
  const fields = candidate.replace(/^a=/, '').split(/\s+/);
  return fields[0]?.startsWith('candidate:') ? fields[4] : undefined;
}

/**
 * Whether a candidate's address is plausible for a peer on the internet or
 * a LAN: not unspecified, multicast or link-local, and not loopback unless
 * allowed. mDNS names (`*.local`, browsers hiding host addresses) pass.
 */
export function plausibleAddress(address: string, allowLoopback: boolean): boolean {
  const a = address.toLowerCase();
  if (a.endsWith('.local')) return true;
  if (a === '0.0.0.0' || a === '::' || a === '255.255.255.255') return false;
  if (/^169\.254\./.test(a) || /^fe[89ab][0-9a-f]:/.test(a)) return false; // link-local
  if (/^(22[4-9]|23\d)\./.test(a) || a.startsWith('ff')) return false; // multicast
  if (/^127\./.test(a) || a === '::1' || a === 'localhost') return allowLoopback;
  return true;
}

/** Counts and filters the remote candidates of one attempt. */
export class RemoteCandidateFilter {
  private accepted = 0;
  /** Candidates dropped so far (implausible address, or over the cap). */
  dropped = 0;

  constructor(private readonly policy: RemoteCandidatePolicy) {}

  /** Whether to apply this candidate line (counts it when yes). */
  accept(candidate: string): boolean {
    const address = candidateAddress(candidate);
    if (
      address === undefined ||
      !plausibleAddress(address, this.policy.allowLoopback) ||
      (this.policy.relayOnly === true && !/ typ relay(\s|$)/.test(candidate)) ||
      this.accepted >= this.policy.maxPerAttempt
    ) {
      this.dropped++;
      return false;
    }
    this.accepted++;
    return true;
  }

  /** The SDP with the candidate lines this filter refuses taken out. */
  filterSdp(sdp: string): string {
    return sdp
      .split(/\r?\n/)
      .filter((line) => !line.startsWith('a=candidate:') || this.accept(line))
      .join('\r\n');
  }

  /** Whether a trickled signal passes (non-candidate signals always do). */
  acceptSignal(signal: Signal): boolean {
    return signal.kind !== 'candidate' || this.accept(signal.candidate);
  }
}
