import type { RtcPeerConnectionConstructor } from './webrtc.js';

/** In browsers: the browser's own RTCPeerConnection. */
export async function loadDefaultRtcPeerConnection(): Promise<RtcPeerConnectionConstructor> {
  const global = (globalThis as { RTCPeerConnection?: RtcPeerConnectionConstructor }).RTCPeerConnection;
  if (global === undefined) throw new Error('this browser has no RTCPeerConnection');
  return global;
}
