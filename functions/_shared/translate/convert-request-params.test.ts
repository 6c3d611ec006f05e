import assert from "node:assert/strict";
import { withoutMutation } from "./test-support.ts";
import { convertRequestParams, type RequestParams } from "./convert-request-params.ts";
import type { OpenAIChatRequest } from "./types.ts";

const messages: OpenAIChatRequest["messages"] = [{ role: "user", content: "hi" }];

const rows: Array<{
  name: string;
  request: Omit<OpenAIChatRequest, "messages">;
  defaultMaxTokens?: number;
  expected: { params: RequestParams; warnings: string[] };
}> = [
  {
    name: "nothing set → default max_tokens only",
    request: {},
    expected: { params: { max_tokens: 4096 }, warnings: [] },
  },
  {
    name: "default max_tokens given by the caller of the function",
    request: {},
    defaultMaxTokens: 1024,
    expected: { params: { max_tokens: 1024 }, warnings: [] },
  },
  {
    name: "max_completion_tokens wins over max_tokens",
    request: { max_completion_tokens: 300, max_tokens: 100 },
    expected: { params: { max_tokens: 300 }, warnings: [] },
  },
  {
    name: "max_tokens alone; null max_completion_tokens means unset",
    request: { max_completion_tokens: null, max_tokens: 100 },
    expected: { params: { max_tokens: 100 }, warnings: [] },
  },
  {
    name: "temperature 0 stays 0",
    request: { temperature: 0 },
    expected: { params: { max_tokens: 4096, temperature: 0 }, warnings: [] },
  },
  {
    name: "temperature 1.7 is clamped to 1, with a warning",
    request: { temperature: 1.7 },
    expected: {
      params: { max_tokens: 4096, temperature: 1 },
      warnings: ["temperature 1.7 clamped to 1: Anthropic accepts 0 to 1"],
    },
  },
  {
    name: "temperature 0.4 and top_p pass through",
    request: { temperature: 0.4, top_p: 0.9 },
    expected: { params: { max_tokens: 4096, temperature: 0.4, top_p: 0.9 }, warnings: [] },
  },
  {
    name: "null sampling values are left out",
    request: { temperature: null, top_p: null, stop: null, n: null },
    expected: { params: { max_tokens: 4096 }, warnings: [] },
  },
  {
    name: "stop string → stop_sequences array",
    request: { stop: "END" },
    expected: { params: { max_tokens: 4096, stop_sequences: ["END"] }, warnings: [] },
  },
  {
    name: "stop array → stop_sequences array",
    request: { stop: ["END", "###"] },
    expected: { params: { max_tokens: 4096, stop_sequences: ["END", "###"] }, warnings: [] },
  },
  {
    name: "whitespace-only stop sequences are dropped with a warning",
    request: { stop: ["\n", "END", ""] },
    expected: {
      params: { max_tokens: 4096, stop_sequences: ["END"] },
      warnings: [
        'stop[0] "\\n" ignored: Anthropic rejects whitespace-only stop sequences',
        'stop[2] "" ignored: Anthropic rejects whitespace-only stop sequences',
      ],
    },
  },
  {
    name: "a lone whitespace stop leaves no stop_sequences key",
    request: { stop: "\n" },
    expected: {
      params: { max_tokens: 4096 },
      warnings: ['stop "\\n" ignored: Anthropic rejects whitespace-only stop sequences'],
    },
  },
  {
    name: "user → metadata.user_id as its SHA-256 (an email never reaches Anthropic); n = 1 is fine",
    request: { user: "alice@example.com", n: 1 },
    expected: {
      params: { max_tokens: 4096, metadata: { user_id: "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976" } },
      warnings: [],
    },
  },
  {
    name: "safety_identifier → metadata.user_id when user is absent",
    request: { safety_identifier: "hash-9" },
    expected: {
      params: { max_tokens: 4096, metadata: { user_id: "8440fcd91d633d1c2b1d3e203072a7429331dafc510aa98dab2af3560ccf939b" } },
      warnings: [],
    },
  },
  {
    name: "parameters without an Anthropic equivalent are dropped with warnings",
    request: { seed: 7, frequency_penalty: 0.5, metadata: { team: "a" }, logprobs: false },
    expected: {
      params: { max_tokens: 4096 },
      warnings: [
        "frequency_penalty ignored: Anthropic has no equivalent",
        "logprobs ignored: Anthropic has no equivalent",
        "seed ignored: Anthropic has no equivalent",
        "metadata ignored: Anthropic has no equivalent",
      ],
    },
  },
];

for (const { name, request, defaultMaxTokens, expected } of rows) {
  Deno.test(`request params: ${name}`, () => {
    const input = { request: { messages, ...request }, defaultMaxTokens };
    const actual = withoutMutation(input, convertRequestParams);
    assert.deepStrictEqual(actual, expected);
  });
}

const errorRows: Array<{ name: string; request: Record<string, unknown>; error: Record<string, unknown> }> = [
  { name: "n = 2", request: { n: 2 }, error: { name: "TranslationError", param: "n", code: "unsupported_value" } },
  { name: "max_tokens 0", request: { max_tokens: 0 }, error: { param: "max_tokens", code: "invalid_value" } },
  {
    name: "max_completion_tokens not an integer",
    request: { max_completion_tokens: 10.5 },
    error: { param: "max_completion_tokens" },
  },
  {
    name: "temperature a string",
    request: { temperature: "hot" },
    error: { param: "temperature", code: "invalid_type" },
  },
  { name: "top_p NaN", request: { top_p: Number.NaN }, error: { param: "top_p", code: "invalid_type" } },
  { name: "stop item not a string", request: { stop: ["a", 3] }, error: { param: "stop[1]", code: "invalid_type" } },
  { name: "user not a string", request: { user: 42 }, error: { param: "user", code: "invalid_type" } },
  { name: "legacy functions", request: { functions: [] }, error: { param: "functions", code: "unsupported_value" } },
];

for (const { name, request, error } of errorRows) {
  Deno.test(`request params: ${name} → TranslationError`, () => {
    const input = { messages, ...request } as unknown as OpenAIChatRequest;
    assert.throws(() => convertRequestParams({ request: input }), error);
  });
}
