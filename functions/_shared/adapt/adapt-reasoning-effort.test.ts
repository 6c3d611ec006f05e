import assert from "node:assert/strict";
import { adaptReasoningEffort } from "./adapt-reasoning-effort.ts";
import { CLAUDE, GPT, withoutMutation } from "./test-support.ts";
import type { AdaptStep, ModelCapabilities, OpenAIChatRequest } from "./types.ts";

const messages: OpenAIChatRequest["messages"] = [{ role: "user", content: "Weather in Oslo?" }];
const tools: OpenAIChatRequest["tools"] = [{ type: "function", function: { name: "get_weather", parameters: { type: "object" } } }];
const GPT_5_6: ModelCapabilities = { ...GPT, model: "gpt-5.6-luna", wireId: "gpt-5.6-luna", sampling: "none", reasoningEffort: "none_with_tools" };
const GPT_5: ModelCapabilities = { ...GPT_5_6, model: "gpt-5", wireId: "gpt-5", reasoningEffort: "any" };

const rows: Array<{
  name: string;
  model: ModelCapabilities;
  request: Omit<OpenAIChatRequest, "messages">;
  expected: { request: Omit<OpenAIChatRequest, "messages">; warnings: string[] };
}> = [
  {
    name: "none_with_tools: tools and no effort → effort none sent (the model's default would be refused), silently",
    model: GPT_5_6,
    request: { tools },
    expected: { request: { tools, reasoning_effort: "none" }, warnings: [] },
  },
  {
    name: "none_with_tools: tools and another effort → none, said so",
    model: GPT_5_6,
    request: { tools, reasoning_effort: "high" },
    expected: {
      request: { tools, reasoning_effort: "none" },
      warnings: ["reasoning_effort high sent as none: gpt-5.6-luna takes function tools in chat completions only at effort none"],
    },
  },
  {
    name: "none_with_tools: tools at effort none stay as they are",
    model: GPT_5_6,
    request: { tools, reasoning_effort: "none" },
    expected: { request: { tools, reasoning_effort: "none" }, warnings: [] },
  },
  {
    name: "none_with_tools: no tools (or an empty list) → the effort is the caller's",
    model: GPT_5_6,
    request: { tools: [], reasoning_effort: "high", verbosity: "low" },
    expected: { request: { tools: [], reasoning_effort: "high", verbosity: "low" }, warnings: [] },
  },
  {
    name: "any: tools with an effort pass",
    model: GPT_5,
    request: { tools, reasoning_effort: "low" },
    expected: { request: { tools, reasoning_effort: "low" }, warnings: [] },
  },
  {
    name: "unsupported: reasoning_effort and verbosity dropped, each said",
    model: GPT,
    request: { reasoning_effort: "high", verbosity: "low", seed: 1 },
    expected: {
      request: { seed: 1 },
      warnings: ["reasoning_effort dropped: gpt-4.1-mini is not a reasoning model", "verbosity dropped: gpt-4.1-mini is not a reasoning model"],
    },
  },
  {
    name: "unsupported: a null reasoning_effort is dropped silently",
    model: GPT,
    request: { reasoning_effort: null },
    expected: { request: {}, warnings: [] },
  },
  {
    name: "anthropic: untouched here (dropped with the OpenAI-only fields)",
    model: CLAUDE,
    request: { tools, reasoning_effort: "high" },
    expected: { request: { tools, reasoning_effort: "high" }, warnings: [] },
  },
];

for (const { name, model, request, expected } of rows) {
  Deno.test(`reasoning effort: ${name}`, () => {
    const actual = withoutMutation({ request: { messages, ...request }, model }, adaptReasoningEffort);
    const want: AdaptStep = { request: { messages, ...expected.request }, warnings: expected.warnings };
    assert.deepStrictEqual(actual, want);
  });
}
