import type { RtcPeerConnectionConstructor } from './webrtc.js';

/** In Node: the global RTCPeerConnection if some runtime has one, else node-datachannel's W3C polyfill (loaded on first use). */
export async function loadDefaultRtcPeerConnection(): Promise<RtcPeerConnectionConstructor> {
  const global = (globalThis as { RTCPeerConnection?: RtcPeerConnectionConstructor }).RTCPeerConnection;
  if (global !== undefined) return global;
  const polyfill = (await import('node-datachannel/polyfill')) as unknown as {
    RTCPeerConnection: RtcPeerConnectionConstructor;
  };
  return polyfill.RTCPeerConnection;
}
