import assert from "node:assert/strict";
import { adaptSampling } from "./adapt-sampling.ts";
import { CLAUDE, GPT, REASONER, withoutMutation } from "./test-support.ts";
import type { AdaptStep, ModelCapabilities, OpenAIChatRequest } from "./types.ts";

const messages: OpenAIChatRequest["messages"] = [{ role: "user", content: "hi" }];

const rows: Array<{
  name: string;
  model: ModelCapabilities;
  request: Omit<OpenAIChatRequest, "messages">;
  expected: { request: Omit<OpenAIChatRequest, "messages">; warnings: string[] };
}> = [
  {
    name: "any: temperature and top_p both pass",
    model: GPT,
    request: { temperature: 0.3, top_p: 0.9 },
    expected: { request: { temperature: 0.3, top_p: 0.9 }, warnings: [] },
  },
  {
    name: "temperature_or_top_p: both set → top_p dropped",
    model: CLAUDE,
    request: { temperature: 0.3, top_p: 0.9, max_tokens: 10 },
    expected: {
      request: { temperature: 0.3, max_tokens: 10 },
      warnings: ["top_p dropped: claude-sonnet-4-5 accepts temperature or top_p, not both"],
    },
  },
  {
    name: "temperature_or_top_p: top_p alone stays",
    model: CLAUDE,
    request: { top_p: 0.9 },
    expected: { request: { top_p: 0.9 }, warnings: [] },
  },
  {
    name: "temperature_or_top_p: a null temperature is not set, so top_p stays",
    model: CLAUDE,
    request: { temperature: null, top_p: 0.9 },
    expected: { request: { temperature: null, top_p: 0.9 }, warnings: [] },
  },
  {
    name: "none: values other than the default are dropped, each with its warning",
    model: REASONER,
    request: { temperature: 0.2, top_p: 0.5, presence_penalty: 0.4, seed: 3 },
    expected: {
      request: { seed: 3 },
      warnings: [
        "temperature 0.2 dropped: o4-mini accepts only the default (1)",
        "top_p 0.5 dropped: o4-mini accepts only the default (1)",
        "presence_penalty dropped: o4-mini (a reasoning model) does not take it",
      ],
    },
  },
  {
    name: "none: temperature and top_p at their default stay, silently",
    model: REASONER,
    request: { temperature: 1, top_p: 1 },
    expected: { request: { temperature: 1, top_p: 1 }, warnings: [] },
  },
  {
    name: "none: penalties, logit_bias and log probabilities are dropped, said so only when they ask for something",
    model: REASONER,
    request: { frequency_penalty: 0, presence_penalty: -0.5, logit_bias: {}, logprobs: true, top_logprobs: 3, seed: 1 },
    expected: {
      request: { seed: 1 },
      warnings: [
        "presence_penalty dropped: o4-mini (a reasoning model) does not take it",
        "logprobs dropped: o4-mini (a reasoning model) does not take it",
        "top_logprobs dropped: o4-mini (a reasoning model) does not take it",
      ],
    },
  },
  {
    name: "none: a logit_bias that biases a token is dropped with its warning; logprobs false silently",
    model: REASONER,
    request: { logit_bias: { "50256": -100 }, logprobs: false },
    expected: { request: {}, warnings: ["logit_bias dropped: o4-mini (a reasoning model) does not take it"] },
  },
  {
    name: "effort_none at reasoning_effort none: temperature, top_p and log probabilities stay; penalties and logit_bias go",
    model: { ...REASONER, model: "gpt-5.6-luna", sampling: "effort_none" },
    request: { reasoning_effort: "none", temperature: 0.2, top_p: 0.5, logprobs: true, top_logprobs: 2, presence_penalty: 0.4, logit_bias: { "1": 5 } },
    expected: {
      request: { reasoning_effort: "none", temperature: 0.2, top_p: 0.5, logprobs: true, top_logprobs: 2 },
      warnings: [
        "presence_penalty dropped: gpt-5.6-luna (a reasoning model) does not take it",
        "logit_bias dropped: gpt-5.6-luna (a reasoning model) does not take it",
      ],
    },
  },
  {
    name: "effort_none at another effort (or none sent): as none",
    model: { ...REASONER, model: "gpt-5.6-luna", sampling: "effort_none" },
    request: { reasoning_effort: "low", temperature: 0.2, logprobs: true },
    expected: {
      request: { reasoning_effort: "low" },
      warnings: [
        "temperature 0.2 dropped: gpt-5.6-luna accepts only the default (1)",
        "logprobs dropped: gpt-5.6-luna (a reasoning model) does not take it",
      ],
    },
  },
  {
    name: "any: log probabilities and penalties pass",
    model: GPT,
    request: { logprobs: true, top_logprobs: 2, presence_penalty: 0.5 },
    expected: { request: { logprobs: true, top_logprobs: 2, presence_penalty: 0.5 }, warnings: [] },
  },
  {
    name: "none: temperature 0 is not the default",
    model: REASONER,
    request: { temperature: 0 },
    expected: { request: {}, warnings: ["temperature 0 dropped: o4-mini accepts only the default (1)"] },
  },
];

for (const { name, model, request, expected } of rows) {
  Deno.test(`sampling: ${name}`, () => {
    const actual = withoutMutation({ request: { messages, ...request }, model }, adaptSampling);
    const want: AdaptStep = { request: { messages, ...expected.request }, warnings: expected.warnings };
    assert.deepStrictEqual(actual, want);
  });
}
