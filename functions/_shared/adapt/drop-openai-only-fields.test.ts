import assert from "node:assert/strict";
import { dropOpenAIOnlyFields, type OpenAIOnlyFieldsStep } from "./drop-openai-only-fields.ts";
import { CLAUDE, GPT, withoutMutation } from "./test-support.ts";
import type { ModelCapabilities, OpenAIChatRequest } from "./types.ts";

const messages: OpenAIChatRequest["messages"] = [{ role: "user", content: "hi" }];
const everything: Omit<OpenAIChatRequest, "messages"> = {
  logprobs: true,
  top_logprobs: 3,
  service_tier: "flex",
  prompt_cache_key: "tenant-7",
  reasoning_effort: "low",
  metadata: { team: "search" },
  store: true,
  seed: 42,
  frequency_penalty: 0.5,
  presence_penalty: 0.1,
  logit_bias: { "50256": -100 },
  user: "user-9",
  temperature: 0.2,
};

const rows: Array<{
  name: string;
  model: ModelCapabilities;
  request: Omit<OpenAIChatRequest, "messages">;
  expected: Omit<OpenAIOnlyFieldsStep, "request"> & { request: Omit<OpenAIChatRequest, "messages"> };
}> = [
  {
    name: "openai-compatible: every field kept",
    model: GPT,
    request: everything,
    expected: { request: everything, warnings: [] },
  },
  {
    name: "anthropic: each dropped with its warning; user and temperature stay for the translator",
    model: CLAUDE,
    request: everything,
    expected: {
      request: { user: "user-9", temperature: 0.2 },
      warnings: [
        "logprobs dropped: not supported by anthropic models",
        "top_logprobs dropped: not supported by anthropic models",
        "logit_bias dropped: not supported by anthropic models",
        "seed dropped: not supported by anthropic models",
        "frequency_penalty dropped: not supported by anthropic models",
        "presence_penalty dropped: not supported by anthropic models",
        "prompt_cache_key dropped: not supported by anthropic models",
        "reasoning_effort dropped: not supported by anthropic models",
        "metadata dropped: not supported by anthropic models",
        "store dropped: not supported by anthropic models",
        "service_tier flex dropped: anthropic models have no such tier",
      ],
    },
  },
  {
    name: "anthropic: defaults and nulls dropped silently",
    model: CLAUDE,
    request: {
      logprobs: false,
      store: false,
      frequency_penalty: 0,
      presence_penalty: 0,
      seed: null,
      service_tier: null,
    },
    expected: { request: {}, warnings: [] },
  },
  {
    name: "anthropic: service_tier default → standard_only",
    model: CLAUDE,
    request: { service_tier: "default" },
    expected: { request: {}, warnings: [], anthropic: { service_tier: "standard_only" } },
  },
  {
    name: "anthropic: service_tier auto → auto",
    model: CLAUDE,
    request: { service_tier: "auto" },
    expected: { request: {}, warnings: [], anthropic: { service_tier: "auto" } },
  },
  {
    name: "anthropic: service_tier priority → auto, said",
    model: CLAUDE,
    request: { service_tier: "priority" },
    expected: {
      request: {},
      warnings: [
        "service_tier priority sent as auto: anthropic models use priority capacity only where the workspace has it",
      ],
      anthropic: { service_tier: "auto" },
    },
  },
  {
    name: "anthropic: nothing OpenAI-only → the same request",
    model: CLAUDE,
    request: { temperature: 0.5 },
    expected: { request: { temperature: 0.5 }, warnings: [] },
  },
];

for (const { name, model, request, expected } of rows) {
  Deno.test(`openai-only fields: ${name}`, () => {
    const actual = withoutMutation({ request: { messages, ...request }, model }, dropOpenAIOnlyFields);
    assert.deepStrictEqual(actual, { ...expected, request: { messages, ...expected.request } });
  });
}
