import assert from "node:assert/strict";
import {
  type AnthropicStreamOptions,
  anthropicStreamUsage,
  INITIAL_ANTHROPIC_STREAM_STATE,
  translateAnthropicEvent,
} from "./anthropic-stream-to-openai.ts";
import { buildToolIdMap, toCallerToolId } from "../translate/tool-id-map.ts";
import { deepFreeze, FIXTURE_CREATED, FIXTURE_MODEL, wire } from "./test-support.ts";
import type { AnthropicStreamEvent, ChatCompletionChunk, StreamEnd, StreamUsage } from "./types.ts";
import textEvents from "./fixtures/anthropic-text-stream.events.json" with { type: "json" };
import textExpected from "./fixtures/anthropic-text-stream.openai-chunks.json" with { type: "json" };
import toolEvents from "./fixtures/anthropic-parallel-tool-stream.events.json" with { type: "json" };
import toolExpected from "./fixtures/anthropic-parallel-tool-stream.openai-chunks.json" with { type: "json" };
import cachedEvents from "./fixtures/anthropic-cached-usage-stream.events.json" with { type: "json" };
import cachedExpected from "./fixtures/anthropic-cached-usage-stream.openai-chunks.json" with { type: "json" };
import maxTokensEvents from "./fixtures/anthropic-max-tokens-stream.events.json" with { type: "json" };
import maxTokensExpected from "./fixtures/anthropic-max-tokens-stream.openai-chunks.json" with { type: "json" };
import errorEvents from "./fixtures/anthropic-error-mid-stream.events.json" with { type: "json" };
import errorExpected from "./fixtures/anthropic-error-mid-stream.openai-chunks.json" with { type: "json" };

interface Run {
  chunks: ChatCompletionChunk[];
  end: StreamEnd | null;
  usage: StreamUsage;
}

/** Feeds every event (each frozen, as is every state: a mutation throws) and collects the output. */
function run(events: AnthropicStreamEvent[], options: AnthropicStreamOptions): Run {
  let state = INITIAL_ANTHROPIC_STREAM_STATE;
  const chunks: ChatCompletionChunk[] = [];
  let end: StreamEnd | null = null;
  for (const event of events) {
    const step = translateAnthropicEvent(deepFreeze({ state, event: structuredClone(event), options }));
    state = deepFreeze(step.state);
    chunks.push(...step.chunks);
    end ??= step.end;
  }
  return { chunks, end, usage: anthropicStreamUsage({ state }) };
}

const options = (includeUsage: boolean, toCallerId = (id: string) => id): AnthropicStreamOptions => ({
  model: FIXTURE_MODEL,
  created: FIXTURE_CREATED,
  includeUsage,
  toCallerId,
});
const events = (json: unknown) => wire<{ events: AnthropicStreamEvent[] }>(json).events;

const fixtures: Array<{ name: string; events: unknown; includeUsage: boolean; expected: unknown }> = [
  { name: "text stream, with the usage chunk", events: textEvents, includeUsage: true, expected: textExpected },
  {
    name: "two parallel tools: index 0 and 1 (not block 1 and 2), ids, fragments, {} for the tool without input",
    events: toolEvents,
    includeUsage: true,
    expected: toolExpected,
  },
  { name: "cached usage: prompt_tokens counts cache reads and writes, cached_tokens the reads", events: cachedEvents, includeUsage: true, expected: cachedExpected },
  { name: "max_tokens → length; no usage asked, so no usage field anywhere", events: maxTokensEvents, includeUsage: false, expected: maxTokensExpected },
  { name: "error mid-stream: the chunks so far, then a failed end with OpenAI's error", events: errorEvents, includeUsage: true, expected: errorExpected },
];

for (const { name, events: recorded, includeUsage, expected } of fixtures) {
  Deno.test(`anthropic stream fixture: ${name}`, () => {
    assert.deepStrictEqual(run(events(recorded), options(includeUsage)), wire<Run>(expected));
  });
}

const start: AnthropicStreamEvent = wire({
  type: "message_start",
  message: { id: "msg_1", type: "message", role: "assistant", model: "m", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } },
});
const chunk = (delta: ChatCompletionChunk.Choice.Delta, finish: ChatCompletionChunk.Choice["finish_reason"] = null): ChatCompletionChunk => ({
  id: "chatcmpl-msg_1",
  object: "chat.completion.chunk",
  created: FIXTURE_CREATED,
  model: FIXTURE_MODEL,
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
});
const role = chunk({ role: "assistant", content: "", refusal: null });
const usage = (input: number, output: number, final: boolean): StreamUsage => ({
  tokens: { input_tokens: input, output_tokens: output, cached_tokens: 0, cache_write_tokens: 0 },
  final,
});
const malformed = (message: string): StreamEnd => ({
  type: "failed",
  failure: { kind: "malformed", status: null, providerType: null, providerCode: null, param: null, message, retryAfterMs: null },
  error: { message: `The provider failed during the stream: ${message}`, type: "api_error", param: null, code: "malformed_response" },
});
const ev = (json: unknown) => wire<AnthropicStreamEvent>(json);

const rows: Array<{ name: string; events: AnthropicStreamEvent[]; toCallerId?: (id: string) => string; expected: Run }> = [
  {
    name: "the caller-facing id comes from toCallerId (the request's tool-id map)",
    events: [start, ev({ type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "functions_lookup_7_x", name: "lookup", input: {} } })],
    toCallerId: (id) => (id === "functions_lookup_7_x" ? "functions.lookup:7" : id),
    expected: {
      chunks: [role, chunk({ tool_calls: [{ index: 0, id: "functions.lookup:7", type: "function", function: { name: "lookup", arguments: "" } }] })],
      end: null,
      usage: usage(5, 1, false),
    },
  },
  {
    name: "a content event before message_start is a malformed stream; later events are ignored",
    events: [ev({ type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "x" } }), start],
    expected: { chunks: [], end: malformed("Anthropic stream: content_block_delta before message_start."), usage: usage(0, 0, false) },
  },
  {
    name: "a second message_start is malformed",
    events: [start, start],
    expected: { chunks: [role], end: malformed("Anthropic stream: a second message_start."), usage: usage(5, 1, false) },
  },
  {
    name: "message_stop without message_delta still sends the last choice chunk",
    events: [start, ev({ type: "message_stop" })],
    expected: { chunks: [role, chunk({}, "stop")], end: { type: "complete", finishReason: "stop" }, usage: usage(5, 1, false) },
  },
  {
    name: "thinking, signatures, citations, server tools and pings send nothing",
    events: [
      start,
      ev({ type: "ping" }),
      ev({ type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } }),
      ev({ type: "content_block_delta", index: 0, delta: { type: "thinking_delta", thinking: "hmm" } }),
      ev({ type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "sig" } }),
      ev({ type: "content_block_stop", index: 0 }),
      ev({ type: "content_block_start", index: 1, content_block: { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: {} } }),
      ev({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "{\"q\":1}" } }),
      ev({ type: "content_block_stop", index: 1 }),
      ev({ type: "content_block_start", index: 2, content_block: { type: "text", text: "" } }),
      ev({ type: "content_block_delta", index: 2, delta: { type: "citations_delta", citation: { type: "char_location" } } }),
      ev({ type: "content_block_delta", index: 2, delta: { type: "text_delta", text: "Done." } }),
    ],
    expected: { chunks: [role, chunk({ content: "Done." })], end: null, usage: usage(5, 1, false) },
  },
  {
    name: "message_delta usage overwrites the totals it carries and keeps the others",
    events: [
      ev({ ...start, message: { ...(start as { message: object }).message, usage: { input_tokens: 5, cache_read_input_tokens: 9, output_tokens: 1 } } }),
      ev({ type: "message_delta", delta: { stop_reason: "refusal", stop_sequence: null }, usage: { output_tokens: 4, input_tokens: null } }),
    ],
    expected: {
      chunks: [role, chunk({}, "content_filter")],
      end: null,
      usage: { tokens: { input_tokens: 5, output_tokens: 4, cached_tokens: 9, cache_write_tokens: 0 }, final: true },
    },
  },
];

for (const { name, events: input, toCallerId, expected } of rows) {
  Deno.test(`anthropic stream: ${name}`, () => {
    assert.deepStrictEqual(run(input, options(false, toCallerId)), expected);
  });
}

Deno.test("anthropic stream: the real tool-id map plugs in as toCallerId", () => {
  const toolIds = buildToolIdMap({ ids: ["functions.lookup:7"] });
  const anthropicId = toolIds.toAnthropic.get("functions.lookup:7")!;
  const out = run(
    [start, ev({ type: "content_block_start", index: 0, content_block: { type: "tool_use", id: anthropicId, name: "lookup", input: {} } })],
    options(false, (id) => toCallerToolId({ toolIds, id })),
  );
  assert.equal(out.chunks[1].choices[0].delta.tool_calls?.[0].id, "functions.lookup:7");
});
