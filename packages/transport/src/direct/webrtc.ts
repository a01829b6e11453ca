/**
 * The W3C WebRTC API surface Handoff uses. Browsers provide it natively,
 * node-datachannel's polyfill provides it in Node, and games may inject any
 * other implementation (`ConnectOptions.RTCPeerConnection`).
 */
export type RtcPeerConnectionConstructor = new (configuration: RTCConfiguration) => RTCPeerConnection;
