import assert from "node:assert/strict";
import { anthropicChunkSource, openaiChunkSource } from "./chunk-sources.ts";
import { FIXTURE_CREATED, FIXTURE_MODEL, wire } from "./test-support.ts";
import type { AnthropicStreamEvent, ChatCompletionChunk } from "./types.ts";
import textEvents from "./fixtures/anthropic-text-stream.events.json" with { type: "json" };
import textExpected from "./fixtures/anthropic-text-stream.openai-chunks.json" with { type: "json" };

const options = { model: FIXTURE_MODEL, created: FIXTURE_CREATED, includeUsage: true, toCallerId: (id: string) => id };
const events = wire<{ events: AnthropicStreamEvent[] }>(textEvents).events;

Deno.test("anthropic chunk source: the reducer's output, event by event, and its usage", () => {
  const source = anthropicChunkSource({ options });
  const chunks = events.flatMap((event) => source.step(event).chunks);
  const expected = wire<{ chunks: ChatCompletionChunk[]; usage: unknown }>(textExpected);
  assert.deepStrictEqual([chunks, source.usage(), source.finish()], [expected.chunks, expected.usage, { type: "complete", finishReason: "stop" }]);
});

Deno.test("anthropic chunk source: an upstream that ends before message_stop is a malformed stream", () => {
  const source = anthropicChunkSource({ options });
  for (const event of events.slice(0, 4)) source.step(event);
  const end = source.finish();
  assert.deepStrictEqual(end.type === "failed" && [end.failure.kind, end.failure.message, end.error.code], [
    "malformed",
    "Anthropic stream: it ended before message_stop.",
    "malformed_response",
  ]);
});

Deno.test("openai chunk source: no finish_reason before the end is a malformed stream", () => {
  const source = openaiChunkSource({ options: { model: "m", includeUsage: false } });
  source.step({ id: "c", object: "chat.completion.chunk", created: 0, model: "x", choices: [{ index: 0, delta: { content: "a" }, finish_reason: null }] });
  assert.equal(source.finish().type, "failed");
  assert.equal(source.usage().final, false);
});
