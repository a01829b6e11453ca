/** What the workloads need from a load-generating connection, whatever server it talks to. */
export interface BenchClient {
  /** Called with each delivered payload (a view; do not keep it) and the WebSocket message size it came in. */
  onPayload: (payload: Uint8Array, wireBytes: number) => void;
  /** Sends one payload to every other member of the room. */
  broadcast(payload: Uint8Array): void;
  /** Drops the connection at once. */
  terminate(): void;
}
