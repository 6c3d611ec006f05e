/**
 * Provider usage → the token counts of a `record_completion` attempt
 * (docs/architecture.md). The database follows Anthropic's convention:
 * `input_tokens` excludes cached and cache-write tokens, which are priced on
 * their own (spec §7). OpenAI's `prompt_tokens` includes its cached tokens, so
 * they are subtracted. The database rejects negative counts (22023), so
 * anything that is not a count becomes 0 rather than failing the record.
 */
import type { AnthropicUsage, CompletionUsage } from "./types.ts";

export interface NormalizedUsage {
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
}

export function normalizeOpenAIUsage(
  { usage }: { usage: CompletionUsage | null | undefined },
): NormalizedUsage {
  const prompt = count(usage?.prompt_tokens);
  const cached = Math.min(prompt, count(usage?.prompt_tokens_details?.cached_tokens));
  return {
    input_tokens: prompt - cached,
    output_tokens: count(usage?.completion_tokens),
    cached_tokens: cached,
    // OpenAI caches automatically and bills no cache write; the catalog has no
    // OpenAI cache-write price, so none is recorded.
    cache_write_tokens: 0,
  };
}

export function normalizeAnthropicUsage(
  { usage }: { usage: AnthropicUsage | null | undefined },
): NormalizedUsage {
  return {
    input_tokens: count(usage?.input_tokens),
    output_tokens: count(usage?.output_tokens),
    cached_tokens: count(usage?.cache_read_input_tokens),
    cache_write_tokens: count(usage?.cache_creation_input_tokens),
  };
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/**
 * The way back, for what the caller sees: OpenAI's `prompt_tokens` counts every input token, cached
 * or written to the cache, and `cached_tokens` the cache reads among them. Used by the non-streamed
 * conversion and by the stream translation alike.
 */
export function toOpenAIUsage({ tokens }: { tokens: NormalizedUsage }): CompletionUsage {
  const prompt = tokens.input_tokens + tokens.cache_write_tokens + tokens.cached_tokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: tokens.output_tokens,
    total_tokens: prompt + tokens.output_tokens,
    prompt_tokens_details: { cached_tokens: tokens.cached_tokens },
  };
}
