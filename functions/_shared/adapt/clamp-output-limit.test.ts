import assert from "node:assert/strict";
import { clampOutputLimit } from "./clamp-output-limit.ts";
import { CLAUDE, GPT, REASONER, withoutMutation } from "./test-support.ts";
import type { AdaptStep, ModelCapabilities, OpenAIChatRequest } from "./types.ts";

const messages: OpenAIChatRequest["messages"] = [{ role: "user", content: "hi" }];
const SMALL_CLAUDE: ModelCapabilities = { ...CLAUDE, model: "claude-haiku-4-5", maxOutputTokens: 32_000 };

const rows: Array<{
  name: string;
  model: ModelCapabilities;
  request: Omit<OpenAIChatRequest, "messages">;
  expected: { request: Omit<OpenAIChatRequest, "messages">; warnings: string[] };
}> = [
  {
    name: "within the limit: unchanged",
    model: SMALL_CLAUDE,
    request: { max_tokens: 32_000 },
    expected: { request: { max_tokens: 32_000 }, warnings: [] },
  },
  {
    name: "max_tokens above the limit is clamped",
    model: SMALL_CLAUDE,
    request: { max_tokens: 64_000 },
    expected: {
      request: { max_tokens: 32_000 },
      warnings: ["max_tokens 64000 clamped to 32000 (the output limit of claude-haiku-4-5)"],
    },
  },
  {
    name: "both fields above the limit: each clamped, each said",
    model: GPT,
    request: { max_completion_tokens: 50_000, max_tokens: 40_000 },
    expected: {
      request: { max_completion_tokens: 32_768, max_tokens: 32_768 },
      warnings: [
        "max_completion_tokens 50000 clamped to 32768 (the output limit of gpt-4.1-mini)",
        "max_tokens 40000 clamped to 32768 (the output limit of gpt-4.1-mini)",
      ],
    },
  },
  {
    name: "nothing set: nothing added (the translator's default applies)",
    model: SMALL_CLAUDE,
    request: { max_tokens: null },
    expected: { request: { max_tokens: null }, warnings: [] },
  },
  {
    name: "reasoning model that samples at effort none (effort_none): max_tokens renamed too",
    model: { ...REASONER, model: "gpt-5.6-luna", sampling: "effort_none" },
    request: { max_tokens: 500 },
    expected: {
      request: { max_completion_tokens: 500 },
      warnings: ["max_tokens sent as max_completion_tokens: gpt-5.6-luna takes only max_completion_tokens"],
    },
  },
  {
    name: "reasoning model: max_tokens renamed to max_completion_tokens",
    model: REASONER,
    request: { max_tokens: 500 },
    expected: {
      request: { max_completion_tokens: 500 },
      warnings: ["max_tokens sent as max_completion_tokens: o4-mini takes only max_completion_tokens"],
    },
  },
  {
    name: "reasoning model: max_tokens clamped, then renamed",
    model: REASONER,
    request: { max_tokens: 200_000 },
    expected: {
      request: { max_completion_tokens: 100_000 },
      warnings: [
        "max_tokens 200000 clamped to 100000 (the output limit of o4-mini)",
        "max_tokens sent as max_completion_tokens: o4-mini takes only max_completion_tokens",
      ],
    },
  },
  {
    name: "reasoning model: both set → max_tokens dropped",
    model: REASONER,
    request: { max_completion_tokens: 800, max_tokens: 500 },
    expected: {
      request: { max_completion_tokens: 800 },
      warnings: ["max_tokens dropped: o4-mini takes only max_completion_tokens, which is set"],
    },
  },
  {
    name: "anthropic with sampling none keeps max_tokens (the translator reads either)",
    model: { ...CLAUDE, sampling: "none" },
    request: { max_tokens: 500 },
    expected: { request: { max_tokens: 500 }, warnings: [] },
  },
];

for (const { name, model, request, expected } of rows) {
  Deno.test(`output limit: ${name}`, () => {
    const actual = withoutMutation({ request: { messages, ...request }, model }, clampOutputLimit);
    const want: AdaptStep = { request: { messages, ...expected.request }, warnings: expected.warnings };
    assert.deepStrictEqual(actual, want);
  });
}
