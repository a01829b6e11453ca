import { describe, expect, it } from 'vitest';
import { asDtlsClient, withDtlsRole } from '../src/direct/direct-link.js';
import { loadDefaultRtcPeerConnection } from '../src/direct/webrtc-node.js';

const BROWSER_OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'a=setup:actpass',
  'a=sctp-port:5000',
  '',
].join('\r\n');

describe('the DTLS role a direct offer asks for', () => {
  it('a browser offer (any origin but libdatachannel’s `o=rtc`) asks to be the DTLS client', () => {
    const offer = withDtlsRole(BROWSER_OFFER);
    expect(offer).toContain('a=setup:active\r\n');
    expect(offer).not.toContain('actpass');
    expect(offer.replace('a=setup:active', 'a=setup:actpass')).toBe(BROWSER_OFFER); // nothing else changes
    // Firefox's origin line.
    const firefox = BROWSER_OFFER.replace(
      /^o=.*$/m,
      'o=mozilla...THIS_IS_SDPARTA-153.8.0 1 0 IN IP4 0.0.0.0',
    );
    expect(withDtlsRole(firefox)).toContain('a=setup:active\r\n');
  });

  it('a TURN-lane offer asks to be the DTLS client whatever the stack (libdatachannel included)', () => {
    const libdatachannel = BROWSER_OFFER.replace(/^o=.*$/m, 'o=rtc 1314437538 0 IN IP4 127.0.0.1');
    expect(asDtlsClient(libdatachannel)).toContain('a=setup:active\r\n');
    expect(asDtlsClient(libdatachannel)).not.toContain('actpass');
  });

  it('a libdatachannel offer keeps actpass', () => {
    const offer = BROWSER_OFFER.replace(/^o=.*$/m, 'o=rtc 1314437538 0 IN IP4 127.0.0.1');
    expect(withDtlsRole(offer)).toBe(offer);
  });

  // The answerer's side of it, for node-datachannel (the browsers' side is run by
  // test/browser/arena-e2e.test.ts and bench/time-to-direct.bench.ts, whose browser offerers send it):
  // an `active` offer is answered `passive`, the actpass offerer becomes the DTLS client, the channel opens.
  it('node-datachannel answers an active offer passive, and the data channel opens', async () => {
    const RTCPeerConnection = await loadDefaultRtcPeerConnection();
    const offerer = new RTCPeerConnection({ iceServers: [] });
    const answerer = new RTCPeerConnection({ iceServers: [] });
    try {
      offerer.onicecandidate = (event) => {
        if (event.candidate?.candidate) void answerer.addIceCandidate(event.candidate);
      };
      answerer.onicecandidate = (event) => {
        if (event.candidate?.candidate) void offerer.addIceCandidate(event.candidate);
      };
      const channel = offerer.createDataChannel('x');
      const opened = new Promise<void>((resolve) => {
        channel.onopen = () => resolve();
      });
      await offerer.setLocalDescription(await offerer.createOffer());
      const local = offerer.localDescription!.sdp;
      expect(local).toContain('a=setup:actpass');
      // As if a browser had offered (only the role matters to the answerer).
      const asBrowser = withDtlsRole(local.replace(/^o=rtc /m, 'o=- '));
      await answerer.setRemoteDescription({ type: 'offer', sdp: asBrowser });
      await answerer.setLocalDescription(await answerer.createAnswer());
      const answer = answerer.localDescription!.sdp;
      expect(answer).toMatch(/^a=setup:passive\r?$/m);
      await offerer.setRemoteDescription({ type: 'answer', sdp: answer });
      await opened;
    } finally {
      offerer.close();
      answerer.close();
    }
  }, 10_000);
});
