// Whether a presented credential is exactly one of the configured keys. Both sides are hashed
// first, so the comparison takes the same time whatever the key's length or content, and every
// key is compared (no early exit) so the time does not tell which one, or whether one, matched.

export async function matchesAnyKey({ candidate, keys }: { candidate: string; keys: readonly string[] }): Promise<boolean> {
  if (keys.length === 0) return false;
  const presented = await sha256(candidate);
  let matched = 0;
  for (const expected of await digestsOf(keys)) {
    let diff = 0;
    for (let i = 0; i < presented.length; i++) diff |= presented[i] ^ expected[i];
    matched |= Number(diff === 0);
  }
  return matched === 1;
}

/** The configured keys' digests, worked out once per key list (settings are read once per isolate). */
const digests = new WeakMap<readonly string[], Promise<Uint8Array[]>>();

function digestsOf(keys: readonly string[]): Promise<Uint8Array[]> {
  let known = digests.get(keys);
  if (!known) digests.set(keys, known = Promise.all(keys.map(sha256)));
  return known;
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}
