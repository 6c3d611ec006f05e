// A bounded memo of JWTs already verified by this isolate (issue 12: at concurrency 50 the same
// agent's token arrives on every call, and checking its signature each time is CPU the router
// adds over a plain proxy). Only a token that passed verification is kept, keyed by the whole
// token string, so a different or altered token is always checked afresh. An entry is good until
// the token's own `exp` (without the clock tolerance the check allows) and at most `maxAgeSeconds`
// after it was verified, so a key withdrawn from the JWKS stops its tokens within that time, as
// Supabase's edge does with its own JWKS cache. At most `maxEntries` tokens: past that the oldest
// goes, so memory stays bounded whatever the number of callers.

export interface VerifiedTokens<T> {
  /** The verified payload of `token`, or undefined when it is not kept (or no longer good at `nowSeconds`). */
  get: (token: string, nowSeconds: number) => T | undefined;
  /** Keeps a token that just passed verification, good until `expSeconds` (and `maxAgeSeconds` from `nowSeconds`). */
  set: (token: string, payload: T, expSeconds: number, nowSeconds: number) => void;
  /** How many tokens are kept. */
  size: () => number;
}

export function verifiedTokens<T>({ maxEntries, maxAgeSeconds }: { maxEntries: number; maxAgeSeconds: number }): VerifiedTokens<T> {
  // A Map iterates in insertion order: its first key is the oldest entry.
  const kept = new Map<string, { payload: T; goodUntil: number }>();
  return {
    get: (token, nowSeconds) => {
      const entry = kept.get(token);
      if (entry === undefined) return undefined;
      if (nowSeconds < entry.goodUntil) return entry.payload;
      kept.delete(token);
      return undefined;
    },
    set: (token, payload, expSeconds, nowSeconds) => {
      const goodUntil = Math.min(expSeconds, nowSeconds + maxAgeSeconds);
      if (!(goodUntil > nowSeconds)) return;
      kept.delete(token);
      while (kept.size >= maxEntries) kept.delete(kept.keys().next().value as string);
      kept.set(token, { payload, goodUntil });
    },
    size: () => kept.size,
  };
}
