// Whether a presented credential is exactly one of the configured keys. Both sides are hashed
// first, so the comparison takes the same time whatever the key's length or content, and every
// key is compared (no early exit) so the time does not tell which one, or whether one, matched.

export async function matchesAnyKey({ candidate, keys }: { candidate: string; keys: readonly string[] }): Promise<boolean> {
  if (keys.length === 0) return false;
  const presented = await sha256(candidate);
  let matched = 0;
  for (const key of keys) {
    const expected = await sha256(key);
    let diff = 0;
    for (let i = 0; i < presented.length; i++) diff |= presented[i] ^ expected[i];
    matched |= Number(diff === 0);
  }
  return matched === 1;
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}
