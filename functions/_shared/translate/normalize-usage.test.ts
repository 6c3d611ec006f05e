import assert from "node:assert/strict";
import { withoutMutation } from "./test-support.ts";
import { normalizeAnthropicUsage, type NormalizedUsage, normalizeOpenAIUsage } from "./normalize-usage.ts";
import type { AnthropicUsage, CompletionUsage } from "./types.ts";

const openAIRows: Array<{ name: string; usage: CompletionUsage | null | undefined; expected: NormalizedUsage }> = [
  {
    name: "cached tokens are taken out of prompt tokens",
    usage: {
      prompt_tokens: 1500,
      completion_tokens: 300,
      total_tokens: 1800,
      prompt_tokens_details: { cached_tokens: 1024 },
    },
    expected: { input_tokens: 476, output_tokens: 300, cached_tokens: 1024, cache_write_tokens: 0 },
  },
  {
    name: "no details → nothing cached",
    usage: { prompt_tokens: 1500, completion_tokens: 300, total_tokens: 1800 },
    expected: { input_tokens: 1500, output_tokens: 300, cached_tokens: 0, cache_write_tokens: 0 },
  },
  {
    name: "no usage (a failed attempt) → zeros",
    usage: undefined,
    expected: { input_tokens: 0, output_tokens: 0, cached_tokens: 0, cache_write_tokens: 0 },
  },
  {
    name: "cached above prompt (a provider glitch) never makes input negative",
    usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11, prompt_tokens_details: { cached_tokens: 50 } },
    expected: { input_tokens: 0, output_tokens: 1, cached_tokens: 10, cache_write_tokens: 0 },
  },
];

for (const { name, usage, expected } of openAIRows) {
  Deno.test(`normalize OpenAI usage: ${name}`, () => {
    assert.deepStrictEqual(withoutMutation({ usage }, normalizeOpenAIUsage), expected);
  });
}

const anthropicRows: Array<{ name: string; usage: AnthropicUsage | null; expected: NormalizedUsage }> = [
  {
    name: "cache read and cache write kept apart",
    usage: { input_tokens: 12, output_tokens: 250, cache_creation_input_tokens: 2048, cache_read_input_tokens: 4096 },
    expected: { input_tokens: 12, output_tokens: 250, cached_tokens: 4096, cache_write_tokens: 2048 },
  },
  {
    name: "null cache fields → 0",
    usage: { input_tokens: 900, output_tokens: 80, cache_creation_input_tokens: null, cache_read_input_tokens: null },
    expected: { input_tokens: 900, output_tokens: 80, cached_tokens: 0, cache_write_tokens: 0 },
  },
  {
    name: "missing cache fields → 0",
    usage: { input_tokens: 900, output_tokens: 80 },
    expected: { input_tokens: 900, output_tokens: 80, cached_tokens: 0, cache_write_tokens: 0 },
  },
  {
    name: "no usage → zeros",
    usage: null,
    expected: { input_tokens: 0, output_tokens: 0, cached_tokens: 0, cache_write_tokens: 0 },
  },
];

for (const { name, usage, expected } of anthropicRows) {
  Deno.test(`normalize Anthropic usage: ${name}`, () => {
    assert.deepStrictEqual(withoutMutation({ usage }, normalizeAnthropicUsage), expected);
  });
}
