/**
 * What a player sends over a fresh direct link to prove it is the peer the
 * lobby introduced: SHA-256 of the pair nonce (which only the two members
 * received, over their own TLS/WebSocket connections) and its own id, so a
 * proof cannot be reflected back by the other end.
 */
export async function pairProof(pairNonce: string, senderId: string): Promise<Uint8Array> {
  const input = new TextEncoder().encode(`${pairNonce}:${senderId}`);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input));
}

/** Constant-time comparison of two proofs. */
export function proofsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
