// Unit tests of the PROVIDER SIMULATOR's (a test double's) per-model rules, table-driven against
// the built-in table's own entries: each case names the model, the body and the whole verdict.
import assert from "node:assert/strict";
import { anthropicModelRule, openaiModelRule } from "./model-rules.ts";
import { ModelRegistry } from "./model-registry.ts";
import type { AnthropicServedModel, JsonObject, OpenAIServedModel } from "./types.ts";

const registry = new ModelRegistry();
const claude = (id: string) => registry.find("anthropic", id) as AnthropicServedModel;
const gpt = (id: string) => registry.find("openai", id) as OpenAIServedModel;
const hi = [{ role: "user", content: "Hi" }];
const tools = [{ name: "f", input_schema: { type: "object" } }];
const forced = { tools, tool_choice: { type: "any" } };
const deprecated = (k: string) => `\`${k}\` is deprecated for this model.`;
const BOTH = "`temperature` and `top_p` cannot both be specified for this model. Please use only one.";
const FORCED = "Thinking may not be enabled when tool_choice forces tool use.";

Deno.test("anthropic model rules: sampling families, prefill, forced tools, output limit (2023-06-01)", () => {
  const cases: [string, string, JsonObject, string | null][] = [
    ["one of temperature / top_p is fine", "claude-haiku-4-5", { temperature: 0.2 }, null],
    ["both on Claude 4.5", "claude-haiku-4-5", { temperature: 0.2, top_p: 0.9 }, BOTH],
    ["both on Claude 4.6", "claude-sonnet-4-6", { temperature: 0.2, top_p: 0.9 }, BOTH],
    ["top_k alone on Claude 4.6", "claude-sonnet-4-6", { top_k: 5 }, null],
    ["default temperature on Sonnet 5.5", "claude-sonnet-5-5", { temperature: 1 }, null],
    ["default pair on Sonnet 5.5", "claude-sonnet-5-5", { temperature: 1, top_p: 0.99 }, BOTH],
    ["top_p on Haiku 5.5", "claude-haiku-5-5", { top_p: 0.5 }, deprecated("top_p")],
    ["top_k on Opus 5", "claude-opus-5", { top_k: 3 }, deprecated("top_k")],
    ["top_k on Opus 4.7", "claude-opus-4-7", { top_k: 3 }, deprecated("top_k")],
    ["temperature 1 on Fable 5.1", "claude-fable-5-1", { temperature: 1 }, deprecated("temperature")],
    ["prefill on Opus 4.6", "claude-opus-4-6", { messages: [...hi, { role: "assistant", content: "{" }] },
      "This model does not support assistant message prefill. The conversation must end with a user message."],
    ["forced tool on Haiku 4.5", "claude-haiku-4-5", forced, null],
    ["forced tool with thinking on Haiku 4.5", "claude-haiku-4-5", { ...forced, thinking: { type: "enabled", budget_tokens: 1024 } }, FORCED],
    ["forced tool on Opus 5 (thinks by default)", "claude-opus-5", forced, FORCED],
    ["forced tool on Opus 5, thinking off", "claude-opus-5", { ...forced, thinking: { type: "disabled" } }, null],
    ["forced tool on Opus 5.5 even without thinking", "claude-opus-5-5", { ...forced, thinking: { type: "disabled" } }, FORCED],
    ["auto tool choice on Opus 5.5", "claude-opus-5-5", { tools, tool_choice: { type: "auto" } }, null],
    ["max_tokens at the limit", "claude-sonnet-4-6", { max_tokens: 64_000 }, null],
    ["max_tokens over the limit", "claude-sonnet-4-6", { max_tokens: 64_001 },
      "max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-6"],
  ];
  for (const [name, id, extra, expected] of cases) {
    const body = { model: id, max_tokens: 16, messages: hi, ...extra };
    const before = structuredClone(body);
    assert.equal(anthropicModelRule(body, claude(id), "2023-06-01"), expected, name);
    assert.deepEqual(body, before, `${name}: the body is not mutated`);
  }
  // On 2026-10-21 the body-level check has refused sampling already; the model rule does not repeat it.
  assert.equal(anthropicModelRule({ model: "x", max_tokens: 1, messages: hi, temperature: 0 }, claude("claude-opus-4-8"), "2026-10-21"), null);
});

Deno.test("openai model rules: reasoning parameters, sampling by effort, output limit", () => {
  const unsupportedValue = (k: string, v: number) => ({
    message: `Unsupported value: '${k}' does not support ${v} with this model. Only the default (1) value is supported.`,
    param: k,
    code: "unsupported_value",
  });
  const unsupportedParameter = (k: string) => ({
    message: `Unsupported parameter: '${k}' is not supported with this model.`,
    param: k,
    code: "unsupported_parameter",
  });
  const cases: [string, string, JsonObject, unknown][] = [
    ["temperature on gpt-4o", "gpt-4o", { temperature: 0.2, top_p: 0.5 }, null],
    ["max_completion_tokens over gpt-4o's limit", "gpt-4o", { max_completion_tokens: 16_385 }, {
      message: "max_completion_tokens is too large: 16385. This model supports at most 16384 completion tokens, whereas you provided 16385.",
      param: "max_completion_tokens",
      code: "invalid_value",
    }],
    ["reasoning_effort on gpt-4o-mini", "gpt-4o-mini", { reasoning_effort: "low" }, {
      message: "Unsupported parameter: 'reasoning_effort' is not supported with this model.",
      param: "reasoning_effort",
      code: "unsupported_parameter",
    }],
    ["top_p on gpt-5.6-sol", "gpt-5.6-sol", { top_p: 0.5 }, unsupportedValue("top_p", 0.5)],
    ["default temperature on gpt-5.6-sol", "gpt-5.6-sol", { temperature: 1 }, null],
    ["temperature on gpt-5.4 (effort none by default)", "gpt-5.4", { temperature: 0.3 }, null],
    ["temperature on gpt-5.4 at effort high", "gpt-5.4", { temperature: 0.3, reasoning_effort: "high" }, unsupportedValue("temperature", 0.3)],
    ["temperature on gpt-5 even at effort minimal", "gpt-5", { temperature: 0.3, reasoning_effort: "minimal" }, unsupportedValue("temperature", 0.3)],
    ["tools with effort on gpt-5.1", "gpt-5.1", { tools: [{}], reasoning_effort: "low" }, null],
    ["tools with effort none on gpt-5.6-luna", "gpt-5.6-luna", { tools: [{}], reasoning_effort: "none" }, null],
    ["tools and no effort on gpt-5.6-luna (its default, medium, is refused)", "gpt-5.6-luna", { tools: [{}] }, {
      message: "Function tools with reasoning_effort are not supported for gpt-5.6-luna in /v1/chat/completions. " +
        "To use function tools, use /v1/responses or set reasoning_effort to 'none'.",
      param: "reasoning_effort",
      code: null,
    }],
    ["tools and no effort on gpt-5.4 (its default is none)", "gpt-5.4", { tools: [{}] }, null],
    ["max_completion_tokens at gpt-5.6-terra's limit", "gpt-5.6-terra", { max_completion_tokens: 128_000 }, null],
    ["logprobs on gpt-5.6-luna (effort medium by default)", "gpt-5.6-luna", { logprobs: true }, unsupportedParameter("logprobs")],
    ["logprobs on gpt-5.6-luna at effort none", "gpt-5.6-luna", { logprobs: true, top_logprobs: 2, reasoning_effort: "none" }, null],
    ["top_logprobs on gpt-5 at effort minimal", "gpt-5", { top_logprobs: 2, reasoning_effort: "minimal" }, unsupportedParameter("top_logprobs")],
    ["presence_penalty 0 on gpt-5.6-sol", "gpt-5.6-sol", { presence_penalty: 0 }, unsupportedParameter("presence_penalty")],
    ["logit_bias on gpt-5.4 at effort none", "gpt-5.4", { logit_bias: { "50256": -100 } }, unsupportedParameter("logit_bias")],
    ["penalties and log probabilities on gpt-4o", "gpt-4o", { frequency_penalty: 0.5, logprobs: true, top_logprobs: 3, logit_bias: {} }, null],
  ];
  for (const [name, id, extra, expected] of cases) {
    const body = { model: id, messages: hi, ...extra };
    const before = structuredClone(body);
    assert.deepEqual(openaiModelRule(body, gpt(id)), expected, name);
    assert.deepEqual(body, before, `${name}: the body is not mutated`);
  }
});
