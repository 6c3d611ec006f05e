// Whether a presented credential is exactly one of the configured keys. Both sides are hashed
// first, so the comparison takes the same time whatever the key's length or content, and every
// key is compared (no early exit) so the time does not tell which one, or whether one, matched.
// Synchronous (node:crypto): a call checks its bearer against two key lists, and WebCrypto's
// promise per digest cost more than the hashing itself (issue 12, the function's own time).
import { createHash } from "node:crypto";

export function matchesAnyKey({ candidate, keys }: { candidate: string; keys: readonly string[] }): boolean {
  if (keys.length === 0) return false;
  const presented = sha256(candidate);
  let matched = 0;
  for (const expected of digestsOf(keys)) {
    let diff = 0;
    for (let i = 0; i < presented.length; i++) diff |= presented[i] ^ expected[i];
    matched |= Number(diff === 0);
  }
  return matched === 1;
}

/** The configured keys' digests, worked out once per key list (settings are read once per isolate). */
const digests = new WeakMap<readonly string[], Uint8Array[]>();

function digestsOf(keys: readonly string[]): Uint8Array[] {
  let known = digests.get(keys);
  if (!known) digests.set(keys, known = keys.map(sha256));
  return known;
}

const sha256 = (text: string): Uint8Array => new Uint8Array(createHash("sha256").update(text, "utf8").digest());
