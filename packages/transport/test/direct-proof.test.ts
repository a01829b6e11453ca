import type { Signal } from '@handoff/protocol/lobby';
import { afterEach, describe, expect, it } from 'vitest';
import type { PathConditioner } from '../src/conditioner/path-conditioner.js';
import { DirectFrame } from '../src/direct/direct-frames.js';
import { DirectLink } from '../src/direct/direct-link.js';
import { loadDefaultRtcPeerConnection } from '../src/direct/webrtc-node.js';
import { waitFor } from './support/helpers.js';

/** A conditioner that drops the first `count` control frames of one kind this side sends. */
function dropFirst(kind: number, count: number): PathConditioner {
  let left = count;
  return {
    sender: (send: (bytes: Uint8Array) => boolean) => ({
      send: (bytes: Uint8Array) => {
        if (bytes[0] === kind && left > 0) {
          left--;
          return true; // "sent", and lost on the way
        }
        return send(bytes);
      },
      close: () => undefined,
    }),
  } as unknown as PathConditioner;
}

describe('direct link validation over an unreliable channel (real node-datachannel)', () => {
  const links: DirectLink[] = [];
  afterEach(() => {
    for (const link of links.splice(0)) link.close();
  });

  async function pair(conditioners: { a?: PathConditioner; b?: PathConditioner }): Promise<{
    a: DirectLink;
    b: DirectLink;
    validated: { a: boolean; b: boolean };
  }> {
    const RTCPeerConnection = await loadDefaultRtcPeerConnection();
    const validated = { a: false, b: false };
    const common = {
      RTCPeerConnection,
      iceServers: [],
      pairNonce: 'nonce-for-this-pair',
      heartbeatIntervalMs: 450,
      deadAfterMs: 1400,
      attemptTimeoutMs: 10_000,
      remoteCandidates: { maxPerAttempt: 16, allowLoopback: true },
      onDatagram: () => undefined,
      onFailed: () => undefined,
    };
    // Signals cross on the next turn, as through a lobby.
    const to = (target: () => DirectLink) => (signal: Signal) =>
      setTimeout(() => void target().handleSignal(signal), 1);
    const a: DirectLink = new DirectLink({
      ...common,
      localId: 'a',
      remoteId: 'b',
      offerer: true,
      signal: to(() => b),
      onValidated: () => {
        validated.a = true;
      },
      ...(conditioners.a === undefined ? {} : { conditioner: conditioners.a }),
    });
    const b: DirectLink = new DirectLink({
      ...common,
      localId: 'b',
      remoteId: 'a',
      offerer: false,
      signal: to(() => a),
      onValidated: () => {
        validated.b = true;
      },
      ...(conditioners.b === undefined ? {} : { conditioner: conditioners.b }),
    });
    links.push(a, b);
    await a.start();
    return { a, b, validated };
  }

  it('a lost proof acceptance is recovered: both sides validate, not only the one that heard it', async () => {
    // b accepts a's proof, but its acceptance is lost twice: a must resend its proof.
    const { validated } = await pair({ b: dropFirst(DirectFrame.ProofAccepted, 2) });
    await waitFor(() => validated.a && validated.b, 3000);
    expect(validated).toEqual({ a: true, b: true });
  });

  it('a lost proof is recovered', async () => {
    const { validated } = await pair({ a: dropFirst(DirectFrame.Proof, 3) });
    await waitFor(() => validated.a && validated.b, 3000);
    expect(validated).toEqual({ a: true, b: true });
  });
});
