import { ErrorCode, HandoffError } from '@handoff/protocol';

/**
 * The W3C WebRTC API surface Handoff uses. Browsers provide it natively,
 * node-datachannel's polyfill provides it in Node, and games may inject any
 * other implementation (`ConnectOptions.RTCPeerConnection`).
 *
 * It is the DOM's `new (configuration: RTCConfiguration) => RTCPeerConnection`
 * where the DOM lib is loaded. A Node program compiled without the DOM lib
 * (`"lib": ["es2022"]`) gets a constructor that accepts any implementation,
 * so it type-checks without DOM types.
 */
export type RtcPeerConnectionConstructor = typeof globalThis extends {
  RTCPeerConnection: new (configuration?: infer Configuration) => infer Connection;
}
  ? new (
      configuration: NonNullable<Configuration>,
    ) => Connection
  : new (
      configuration: never,
    ) => unknown;

/** The optional package that gives Node its WebRTC (a peer dependency of `@handoff/transport`). */
export const NODE_WEBRTC_PACKAGE = 'node-datachannel';

/**
 * No WebRTC implementation could be loaded, so no direct link can be made:
 * in Node the optional package `node-datachannel` is not installed, or its
 * native binary does not load on this platform. Nothing else breaks: every
 * peer keeps playing over the lobby's relay. In Node it is reported once per
 * process as a warning (`process.on('warning', ...)`, `name`
 * `'WebRtcUnavailableError'`).
 */
export class WebRtcUnavailableError extends HandoffError {
  /** The package that would provide WebRTC here (`'node-datachannel'` in Node). */
  readonly packageName: string;

  constructor(message: string, packageName: string, options?: { cause?: unknown }) {
    // No direct connection can be established: the closest stable code.
    super(ErrorCode.ConnectionClosed, message, options);
    this.name = 'WebRtcUnavailableError';
    this.packageName = packageName;
  }
}
