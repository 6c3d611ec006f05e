import assert from "node:assert/strict";
import { withoutMutation } from "./test-support.ts";
import { convertFromAnthropicResponse } from "./convert-from-anthropic-response.ts";
import { buildToolIdMap, EMPTY_TOOL_ID_MAP } from "./tool-id-map.ts";
import type { AnthropicResponse, AnthropicSdkMessage, ChatCompletion } from "./types.ts";
import parallelToolUse from "./fixtures/parallel-tool-use-with-cache.anthropic.json" with { type: "json" };
import parallelToolUseExpected from "./fixtures/parallel-tool-use-with-cache.openai.json" with { type: "json" };
import maxTokensText from "./fixtures/max-tokens-text-answer.anthropic.json" with { type: "json" };
import maxTokensTextExpected from "./fixtures/max-tokens-text-answer.openai.json" with { type: "json" };

// Compile-time: what the SDK client returns can be passed in as it is.
export const sdkMessageFits = (message: AnthropicSdkMessage): AnthropicResponse => message;

/** Recorded wire JSON: its inferred type widens literals, so it is asserted once here. */
const wire = <T>(json: unknown): T => json as T;
const CREATED = 1767225600;

Deno.test("response fixture: parallel tool use with cache usage, one id mapped back", () => {
  const toolIds = buildToolIdMap({ ids: ["functions.lookup:7", "call_other"] });
  const input = { response: wire<AnthropicResponse>(parallelToolUse), toolIds, created: CREATED };
  const actual = withoutMutation(input, convertFromAnthropicResponse);
  assert.deepStrictEqual(actual, wire<ChatCompletion>(parallelToolUseExpected));
});

Deno.test("response fixture: text split over blocks, cut by max_tokens", () => {
  const input = { response: wire<AnthropicResponse>(maxTokensText), toolIds: EMPTY_TOOL_ID_MAP, created: CREATED };
  const actual = withoutMutation(input, convertFromAnthropicResponse);
  assert.deepStrictEqual(actual, wire<ChatCompletion>(maxTokensTextExpected));
});

const base = { id: "msg_1", model: "claude-3-haiku-20240307" };
const completion = (
  message: ChatCompletion.Choice["message"],
  finish_reason: ChatCompletion.Choice["finish_reason"],
  usage: NonNullable<ChatCompletion["usage"]>,
): ChatCompletion => ({
  id: "chatcmpl-msg_1",
  object: "chat.completion",
  created: CREATED,
  model: "claude-3-haiku-20240307",
  choices: [{ index: 0, message, finish_reason, logprobs: null }],
  usage,
});
const usage10x5 = {
  prompt_tokens: 10,
  completion_tokens: 5,
  total_tokens: 15,
  prompt_tokens_details: { cached_tokens: 0 },
};

const rows: Array<{ name: string; response: AnthropicResponse; expected: ChatCompletion }> = [
  {
    name: "refusal → content_filter, text kept",
    response: {
      ...base,
      content: [{ type: "text", text: "I can't help with that." }],
      stop_reason: "refusal",
      usage: { input_tokens: 10, output_tokens: 5 },
    },
    expected: completion(
      { role: "assistant", content: "I can't help with that.", refusal: null },
      "content_filter",
      usage10x5,
    ),
  },
  {
    name: "no content at all → content null, no tool_calls key",
    response: { ...base, content: [], stop_reason: "end_turn", usage: { input_tokens: 10, output_tokens: 5 } },
    expected: completion({ role: "assistant", content: null, refusal: null }, "stop", usage10x5),
  },
  {
    name: "thinking block skipped; stop_sequence → stop; null cache fields count 0",
    response: {
      ...base,
      content: [{ type: "thinking" }, { type: "text", text: "Done" }],
      stop_reason: "stop_sequence",
      usage: { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: null, cache_read_input_tokens: null },
    },
    expected: completion({ role: "assistant", content: "Done", refusal: null }, "stop", usage10x5),
  },
  {
    name: "tool_use with empty input → arguments {}; Anthropic's own id unchanged",
    response: {
      ...base,
      content: [{ type: "tool_use", id: "toolu_01Z", name: "market_status", input: {} }],
      stop_reason: "tool_use",
      usage: { input_tokens: 10, output_tokens: 5 },
    },
    expected: completion(
      {
        role: "assistant",
        content: null,
        refusal: null,
        tool_calls: [{ id: "toolu_01Z", type: "function", function: { name: "market_status", arguments: "{}" } }],
      },
      "tool_calls",
      usage10x5,
    ),
  },
  {
    name: "a block type newer than the SDK is skipped",
    response: wire<AnthropicResponse>({
      ...base,
      content: [{ type: "hologram", data: "?" }, { type: "text", text: "Hi" }],
      stop_reason: null,
      usage: { input_tokens: 10, output_tokens: 5 },
    }),
    expected: completion({ role: "assistant", content: "Hi", refusal: null }, "stop", usage10x5),
  },
];

for (const { name, response, expected } of rows) {
  Deno.test(`response: ${name}`, () => {
    const actual = withoutMutation(
      { response, toolIds: EMPTY_TOOL_ID_MAP, created: CREATED },
      convertFromAnthropicResponse,
    );
    assert.deepStrictEqual(actual, expected);
  });
}

const malformedRows: Array<{ name: string; response: unknown; path: string }> = [
  { name: "not an object", response: "oops", path: "(body)" },
  { name: "content missing", response: { ...base, usage: { input_tokens: 1, output_tokens: 1 } }, path: "content" },
  {
    name: "tool_use without id",
    response: {
      ...base,
      content: [{ type: "tool_use", name: "x", input: {} }],
      usage: { input_tokens: 1, output_tokens: 1 },
    },
    path: "content[0].id",
  },
  { name: "usage missing", response: { ...base, content: [] }, path: "usage" },
  {
    name: "negative tokens",
    response: { ...base, content: [], usage: { input_tokens: -1, output_tokens: 1 } },
    path: "usage.input_tokens",
  },
];

for (const { name, response, path } of malformedRows) {
  Deno.test(`response: ${name} → MalformedResponseError`, () => {
    assert.throws(
      () => convertFromAnthropicResponse({ response: wire<AnthropicResponse>(response), toolIds: EMPTY_TOOL_ID_MAP }),
      { name: "MalformedResponseError", path },
    );
  });
}

Deno.test("response: created defaults to now (unix seconds)", () => {
  const before = Math.floor(Date.now() / 1000);
  const { created } = convertFromAnthropicResponse({
    response: wire<AnthropicResponse>(maxTokensText),
    toolIds: EMPTY_TOOL_ID_MAP,
  });
  assert.ok(created >= before && created <= Math.floor(Date.now() / 1000));
});
