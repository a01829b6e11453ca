import { NODE_WEBRTC_PACKAGE, type RtcPeerConnectionConstructor, WebRtcUnavailableError } from './webrtc.js';

/** Imports node-datachannel's W3C polyfill (injectable so tests can simulate it missing). */
export type PolyfillImport = () => Promise<unknown>;

const importPolyfill: PolyfillImport = () => import('node-datachannel/polyfill');

/** A "module not found" for node-datachannel in `error` or its causes (loaders and bundlers may wrap it). */
function isMissingPackage(error: unknown): boolean {
  for (let each = error, depth = 0; each instanceof Error && depth < 5; each = each.cause, depth++) {
    const code = (each as { code?: unknown }).code;
    if (
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      each.message.includes(NODE_WEBRTC_PACKAGE)
    )
      return true;
  }
  return false;
}

/** The error for a failed import of the polyfill: missing package, or a native binary that does not load. */
export function webRtcUnavailable(cause: unknown): WebRtcUnavailableError {
  const what = isMissingPackage(cause)
    ? `the optional package ${NODE_WEBRTC_PACKAGE} is not installed (npm install ${NODE_WEBRTC_PACKAGE})`
    : `the optional package ${NODE_WEBRTC_PACKAGE} could not be loaded (${cause instanceof Error ? cause.message : String(cause)})`;
  return new WebRtcUnavailableError(
    `No direct WebRTC links in Node: ${what}. Every peer keeps playing over the lobby's relay. ` +
      `To silence this, pass room: { direct: 'never' } to connect(), or your own RTCPeerConnection.`,
    NODE_WEBRTC_PACKAGE,
    { cause },
  );
}

/**
 * A loader of Node's RTCPeerConnection: the global one if some runtime has
 * it, else node-datachannel's W3C polyfill, imported on first use. If that
 * fails, every call rejects with the same {@link WebRtcUnavailableError},
 * which is also emitted once as a process warning.
 */
export function createNodeRtcLoader(
  load: PolyfillImport = importPolyfill,
): () => Promise<RtcPeerConnectionConstructor> {
  let loading: Promise<RtcPeerConnectionConstructor> | undefined;
  return () => {
    const global = (globalThis as { RTCPeerConnection?: RtcPeerConnectionConstructor }).RTCPeerConnection;
    if (global !== undefined) return Promise.resolve(global);
    loading ??= load().then(
      (polyfill) =>
        withEncodedCredentials(
          (polyfill as { RTCPeerConnection: RtcPeerConnectionConstructor }).RTCPeerConnection,
        ),
      (cause: unknown) => {
        const error = webRtcUnavailable(cause);
        process.emitWarning(error);
        throw error;
      },
    );
    return loading;
  };
}

/** In Node: the global RTCPeerConnection if some runtime has one, else node-datachannel's W3C polyfill (loaded on first use). */
export const loadDefaultRtcPeerConnection: () => Promise<RtcPeerConnectionConstructor> =
  createNodeRtcLoader();

/**
 * node-datachannel's polyfill hands TURN servers to libdatachannel as URLs
 * (`turn:USER:PASS@host`), without escaping: a TURN REST username
 * (`expiry:playerId`) or a base64 password (`/`, `+`, `=`) breaks the URL
 * and coturn answers 401. libdatachannel percent-decodes both, so encoding
 * them here makes any credential work (measured against coturn).
 */
function withEncodedCredentials(Base: RtcPeerConnectionConstructor): RtcPeerConnectionConstructor {
  const Encoded = function (this: unknown, configuration?: RTCConfiguration) {
    const iceServers = configuration?.iceServers?.map((server) =>
      server.username === undefined || server.credential === undefined
        ? server
        : {
            ...server,
            username: encodeURIComponent(server.username),
            credential: encodeURIComponent(String(server.credential)),
          },
    );
    const Constructor = Base as unknown as new (configuration?: RTCConfiguration) => RTCPeerConnection;
    return new Constructor(iceServers === undefined ? configuration : { ...configuration, iceServers });
  };
  return Encoded as unknown as RtcPeerConnectionConstructor;
}
