/**
 * The direct-path baseline: two node-datachannel `RTCPeerConnection`s
 * (W3C polyfill) in this process, signaled by plain function calls, joined
 * by one unordered, zero-retransmit data channel — what Handoff's direct
 * path is built on, with nothing on top.
 */
import type { RtcPeerConnectionConstructor } from '../src/index.js';
import type { Cleanup } from './cleanup.js';
import { asBytes, type Duplex } from './duplex.js';
import { within } from './wait.js';

/** An open raw data channel pair. */
export interface RawChannelPair {
  /** The offerer's end. */
  a: Duplex;
  /** The answerer's end. */
  b: Duplex;
  /** From creating the connections to both ends open, ms. */
  openMs: number;
}

let constructorPromise: Promise<RtcPeerConnectionConstructor> | undefined;

/** node-datachannel's W3C `RTCPeerConnection`, loaded once. */
export function rawRtcPeerConnection(): Promise<RtcPeerConnectionConstructor> {
  constructorPromise ??= import('node-datachannel/polyfill').then(
    (polyfill) =>
      (polyfill as unknown as { RTCPeerConnection: RtcPeerConnectionConstructor }).RTCPeerConnection,
  );
  return constructorPromise;
}

function duplexOf(channel: RTCDataChannel): Duplex {
  channel.binaryType = 'arraybuffer';
  return {
    send: (bytes) => channel.send(bytes as Uint8Array<ArrayBuffer>),
    listen: (handler) => {
      const onMessage = (event: MessageEvent): void => {
        const bytes = asBytes(event.data);
        if (bytes !== undefined) handler(bytes);
      };
      channel.addEventListener('message', onMessage);
      return () => channel.removeEventListener('message', onMessage);
    },
  };
}

/** Opens a raw pair; both connections are closed by `cleanup`. */
export async function openRawChannelPair(cleanup: Cleanup): Promise<RawChannelPair> {
  const RTCPeerConnectionImpl = await rawRtcPeerConnection();
  const started = performance.now();
  const offerer = cleanup.add(new RTCPeerConnectionImpl({ iceServers: [] }), (pc) => pc.close());
  const answerer = cleanup.add(new RTCPeerConnectionImpl({ iceServers: [] }), (pc) => pc.close());
  // Candidates wait until both descriptions are applied (as Handoff's direct link does): a DTLS hello
  // that reaches the offerer before the answer costs a 1 s retransmit.
  const held: (() => Promise<void>)[] = [];
  let described = false;
  const trickle = (to: RTCPeerConnection) => (event: RTCPeerConnectionIceEvent) => {
    const candidate = event.candidate;
    if (candidate === null || candidate.candidate === '') return;
    const add = (): Promise<void> => to.addIceCandidate(candidate).catch(() => undefined);
    if (described) void add();
    else held.push(add);
  };
  offerer.onicecandidate = trickle(answerer);
  answerer.onicecandidate = trickle(offerer);
  const local = offerer.createDataChannel('bench', { ordered: false, maxRetransmits: 0 });
  cleanup.add(local, (channel) => channel.close());
  const localOpen = new Promise<void>((resolve) => local.addEventListener('open', () => resolve()));
  const remote = new Promise<RTCDataChannel>((resolve) => {
    answerer.ondatachannel = (event) => {
      const channel = cleanup.add(event.channel, (each) => each.close());
      if (channel.readyState === 'open') resolve(channel);
      else channel.addEventListener('open', () => resolve(channel));
    };
  });
  await offerer.setLocalDescription(await offerer.createOffer());
  const offer = offerer.localDescription!;
  await answerer.setRemoteDescription({ type: offer.type, sdp: withoutCandidates(offer.sdp) });
  await answerer.setLocalDescription(await answerer.createAnswer());
  await offerer.setRemoteDescription(answerer.localDescription!);
  described = true;
  for (const add of held.splice(0)) await add();
  const [remoteChannel] = await within(Promise.all([remote, localOpen]), 'raw data channel open');
  const openMs = performance.now() - started;
  return { a: duplexOf(local), b: duplexOf(remoteChannel), openMs };
}

/** An SDP without its candidate lines (they are trickled instead, once both sides are described). */
function withoutCandidates(sdp: string): string {
  return sdp
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('a=candidate:') && !line.startsWith('a=end-of-candidates'))
    .join('\r\n');
}
