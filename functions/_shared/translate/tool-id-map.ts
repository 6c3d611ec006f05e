/**
 * Tool-call ids, both ways.
 *
 * Anthropic accepts only `^[a-zA-Z0-9_-]+$` ids of at most 64 characters;
 * OpenAI-compatible callers send anything (`functions.get_weather:0`, ...). A
 * history must keep working when a call falls back from one provider to the
 * other, so ids that Anthropic already accepts (`call_abc`, `toolu_01...`)
 * pass unchanged, and only the others are rewritten, the same way on the
 * `tool_use` and the `tool_result` side so the pairs still match (the plan's
 * `call_` prefix broke exactly that).
 */

export interface ToolIdMap {
  /** Caller id → Anthropic id, only for the ids that had to change. */
  readonly toAnthropic: ReadonlyMap<string, string>;
  /** Anthropic id → caller id, the inverse of `toAnthropic`. */
  readonly toCaller: ReadonlyMap<string, string>;
}

const ANTHROPIC_SAFE_ID = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_ID_LENGTH = 64;

export const EMPTY_TOOL_ID_MAP: ToolIdMap = {
  toAnthropic: new Map(),
  toCaller: new Map(),
};

export function isAnthropicSafeToolId(id: string): boolean {
  return ANTHROPIC_SAFE_ID.test(id);
}

/**
 * Builds the map for every id of one request. The result depends only on the
 * set of ids (they are sorted first), so the same id always maps to the same
 * value, and a rewritten id never equals another id of the request: a clash
 * (with a caller's own id or another rewrite) is resolved with the next seed.
 */
export function buildToolIdMap({ ids }: { ids: Iterable<string> }): ToolIdMap {
  const unique = [...new Set(ids)];
  const taken = new Set(unique.filter(isAnthropicSafeToolId));
  const toAnthropic = new Map<string, string>();
  const toCaller = new Map<string, string>();
  const unsafe = unique.filter((id) => !isAnthropicSafeToolId(id)).sort();
  for (const id of unsafe) {
    let seed = 0;
    let mapped = rewriteId(id, seed);
    while (taken.has(mapped)) mapped = rewriteId(id, ++seed);
    taken.add(mapped);
    toAnthropic.set(id, mapped);
    toCaller.set(mapped, id);
  }
  return { toAnthropic, toCaller };
}

export function toAnthropicToolId(
  { toolIds, id }: { toolIds: ToolIdMap; id: string },
): string {
  return toolIds.toAnthropic.get(id) ?? id;
}

/**
 * Ids Anthropic generated itself (`toolu_...`) are not in the map and are
 * returned as they are; only ids we rewrote go back to the caller's spelling.
 */
export function toCallerToolId(
  { toolIds, id }: { toolIds: ToolIdMap; id: string },
): string {
  return toolIds.toCaller.get(id) ?? id;
}

/** Readable stem (invalid characters → `_`) plus a hash of the whole id. */
function rewriteId(id: string, seed: number): string {
  const hash = cyrb53(id, seed).toString(36).padStart(11, "0");
  const stem = id
    .replace(/[^a-zA-Z0-9_-]/g, "_")
    .slice(0, MAX_ID_LENGTH - hash.length - 1);
  return stem === "" ? hash : `${stem}_${hash}`;
}

/**
 * cyrb53, a small synchronous 53-bit string hash (public domain). Web Crypto
 * would need `await`, and these conversions are pure synchronous functions;
 * collisions are handled by the caller anyway, so speed and spread suffice.
 */
function cyrb53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
