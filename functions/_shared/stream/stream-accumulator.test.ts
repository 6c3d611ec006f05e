import assert from "node:assert/strict";
import {
  accumulateChunk,
  EMPTY_STREAM_ACCUMULATION,
  type StreamAccumulation,
  type StreamSummary,
  summarizeStream,
} from "./stream-accumulator.ts";
import { deepFreeze, FIXTURE_CREATED, FIXTURE_MODEL, wire } from "./test-support.ts";
import type { ChatCompletionChunk, StreamEnd, StreamUsage } from "./types.ts";
import toolStream from "./fixtures/anthropic-parallel-tool-stream.openai-chunks.json" with { type: "json" };
import errorStream from "./fixtures/anthropic-error-mid-stream.openai-chunks.json" with { type: "json" };
import openaiTools from "./fixtures/openai-tool-stream.caller-chunks.json" with { type: "json" };

interface Recorded {
  chunks: ChatCompletionChunk[];
  end: StreamEnd | null;
  usage: StreamUsage;
}

function fold(chunks: ChatCompletionChunk[]): StreamAccumulation {
  return chunks.reduce(
    (accumulation, chunk) => deepFreeze(accumulateChunk(deepFreeze({ accumulation, chunk: structuredClone(chunk) }))),
    EMPTY_STREAM_ACCUMULATION,
  );
}

const summarize = (recorded: Recorded, end: StreamEnd | null = recorded.end): StreamSummary =>
  summarizeStream(deepFreeze({ accumulation: fold(recorded.chunks), end, usage: recorded.usage }));

const tools = wire<Recorded>(toolStream);

Deno.test("accumulator: the parallel-tool stream folds into its non-streamed completion, usage from the provider", () => {
  assert.deepStrictEqual(summarize(tools), {
    completed: true,
    finishReason: "tool_calls",
    usage: { input_tokens: 472, output_tokens: 89, cached_tokens: 0, cache_write_tokens: 0 },
    usageFinal: true,
    failure: null,
    completion: {
      id: "chatcmpl-msg_014p7gG3wDgGV9EUtLvnow3U",
      object: "chat.completion",
      created: FIXTURE_CREATED,
      model: FIXTURE_MODEL,
      choices: [{
        index: 0,
        message: {
          role: "assistant",
          content: "I'll check the weather and the time.",
          refusal: null,
          tool_calls: [
            { id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", type: "function", function: { name: "get_weather", arguments: '{"city": "San Francisco", "unit": "celsius"}' } },
            { id: "toolu_01VBoTMG3fN7A5mGvrjHHJDW", type: "function", function: { name: "get_time", arguments: "{}" } },
          ],
        },
        finish_reason: "tool_calls",
        logprobs: null,
      }],
      usage: { prompt_tokens: 472, completion_tokens: 89, total_tokens: 561, prompt_tokens_details: { cached_tokens: 0 } },
    },
  });
});

Deno.test("accumulator: OpenAI tool calls with content null stay content null", () => {
  const summary = summarize(wire<Recorded>(openaiTools));
  assert.equal(summary.completion.choices[0].message.content, null);
  assert.deepStrictEqual(summary.completion.choices[0].message.tool_calls?.map((c) => c.type === "function" && [c.id, c.function.name, c.function.arguments]), [
    ["call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather", '{"city":"Paris"}'],
    ["call_ABC3xa9XTPNJ32zg2hcAdmO9", "get_time", "{}"],
  ]);
  assert.deepStrictEqual(summary.usage, { input_tokens: 82, output_tokens: 40, cached_tokens: 0, cache_write_tokens: 0 });
});

Deno.test("accumulator: a provider error keeps the partial text, the failure and the counts reported so far", () => {
  const recorded = wire<Recorded>(errorStream);
  const summary = summarize(recorded);
  assert.deepStrictEqual(
    { ...summary, completion: summary.completion.choices[0].message },
    {
      completed: false,
      finishReason: null,
      usage: { input_tokens: 40, output_tokens: 1, cached_tokens: 0, cache_write_tokens: 0 },
      usageFinal: false,
      failure: recorded.end?.type === "failed" ? recorded.end.failure : null,
      completion: { role: "assistant", content: "The answer is", refusal: null },
    },
  );
});

Deno.test("accumulator: a stream the caller left (no end) is not completed and blames no provider", () => {
  const summary = summarize({ ...tools, chunks: tools.chunks.slice(0, 5) }, null);
  assert.deepStrictEqual([summary.completed, summary.failure, summary.finishReason], [false, null, null]);
  assert.deepStrictEqual(summary.completion.choices[0].message.tool_calls, [
    { id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", type: "function", function: { name: "get_weather", arguments: '{"city": ' } },
  ]);
});

Deno.test("accumulator: counts chunks, keeps the first id, model and created", () => {
  const acc = fold(tools.chunks);
  assert.deepStrictEqual([acc.chunks, acc.id, acc.model, acc.created], [tools.chunks.length, "chatcmpl-msg_014p7gG3wDgGV9EUtLvnow3U", FIXTURE_MODEL, FIXTURE_CREATED]);
});
