/**
 * Normalized token counts (the database's convention, normalize-usage.ts) →
 * OpenAI's usage object: `prompt_tokens` counts every input token, cached or
 * written to the cache, and `cached_tokens` the cache reads among them. The
 * same arithmetic as the non-streamed conversion (convert-from-anthropic-response.ts).
 */
import type { CompletionUsage, NormalizedUsage } from "./types.ts";

export function toOpenAIUsage({ tokens }: { tokens: NormalizedUsage }): CompletionUsage {
  const prompt = tokens.input_tokens + tokens.cache_write_tokens + tokens.cached_tokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: tokens.output_tokens,
    total_tokens: prompt + tokens.output_tokens,
    prompt_tokens_details: { cached_tokens: tokens.cached_tokens },
  };
}
