/**
 * One sampling decision per session, derived from the session id alone, so every tab and every
 * span of a session agrees without coordination (and a backend can recompute it).
 */
export function sessionHash(sessionId: string): number {
  // FNV-1a, 32 bit: small, fast, and uniform enough for a rate decision.
  let hash = 0x811c9dc5;
  for (let i = 0; i < sessionId.length; i++) {
    hash ^= sessionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 0x100000000;
}

export function isSampled(sessionId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  return sessionHash(sessionId) < rate;
}

/**
 * Random hex of `bytes` bytes, never all zeros: trace and span ids (decided in the tracer and on
 * the critical path alike) would be invalid, and no id of ours is meant to be.
 */
export function randomHex(bytes: number): string {
  const data = new Uint8Array(bytes);
  const c = (globalThis as { crypto?: Crypto }).crypto;
  let out = '';
  // never all zeros (an invalid id); index loops keep this small and cheap on the critical path
  for (let any = 0; !any;) {
    if (c?.getRandomValues) c.getRandomValues(data);
    else for (let i = 0; i < bytes; i++) data[i] = Math.floor(Math.random() * 256);
    out = '';
    for (let i = 0; i < bytes; i++) {
      any |= data[i]!;
      out += (data[i]! < 16 ? '0' : '') + data[i]!.toString(16);
    }
  }
  return out;
}
