import { describe, expect, it } from 'vitest';
import {
  candidateAddress,
  plausibleAddress,
  RemoteCandidateFilter,
} from '../src/direct/remote-candidates.js';

const line = (address: string, port = 5000): string =>
  `candidate:1 1 UDP 2122317823 ${address} ${port} typ host`;

describe('remote ICE candidates a hostile peer can send', () => {
  it('reads the address of a candidate line (with or without a=)', () => {
    expect(candidateAddress(line('203.0.113.7'))).toBe('203.0.113.7');
    expect(candidateAddress(`a=${line('2001:db8::1')}`)).toBe('2001:db8::1');
    expect(candidateAddress('garbage')).toBeUndefined();
  });

  it('drops unspecified, multicast and link-local addresses, and loopback unless the lobby is on loopback', () => {
    for (const address of ['0.0.0.0', '::', '169.254.1.2', 'fe80::1', '224.0.0.1', 'ff02::1'])
      expect(plausibleAddress(address, true)).toBe(false);
    expect(plausibleAddress('127.0.0.1', false)).toBe(false);
    expect(plausibleAddress('::1', false)).toBe(false);
    expect(plausibleAddress('127.0.0.1', true)).toBe(true);
    for (const address of ['203.0.113.7', '192.168.1.20', '10.1.2.3', '2001:db8::1', 'a1b2c3.local'])
      expect(plausibleAddress(address, false)).toBe(true);
  });

  it('caps the candidates of one attempt, trickled and in the SDP together', () => {
    const filter = new RemoteCandidateFilter({ maxPerAttempt: 4, allowLoopback: false });
    const sdp = [
      'v=0',
      ...[1, 2, 3].map((i) => `a=${line(`203.0.113.${i}`)}`),
      `a=${line('169.254.0.1')}`,
    ].join('\r\n');
    const kept = filter.filterSdp(sdp);
    expect(kept.split('\r\n').filter((l) => l.startsWith('a=candidate:'))).toHaveLength(3);
    expect(filter.accept(line('203.0.113.9'))).toBe(true);
    expect(filter.accept(line('203.0.113.10'))).toBe(false); // the fifth plausible one
    expect(filter.acceptSignal({ kind: 'end-of-candidates' })).toBe(true);
    expect(filter.dropped).toBe(2);
  });

  it("turn-only applies relay candidates only: a peer's host or srflx candidate would make a direct path", () => {
    const filter = new RemoteCandidateFilter({ maxPerAttempt: 16, allowLoopback: false, relayOnly: true });
    expect(filter.accept(line('203.0.113.7'))).toBe(false);
    expect(
      filter.accept('candidate:2 1 UDP 1686052607 198.51.100.4 6000 typ srflx raddr 10.0.0.2 rport 5000'),
    ).toBe(false);
    expect(
      filter.accept('candidate:3 1 UDP 16777215 192.0.2.9 49200 typ relay raddr 198.51.100.4 rport 6000'),
    ).toBe(true);
    expect(filter.dropped).toBe(2);
  });
});
