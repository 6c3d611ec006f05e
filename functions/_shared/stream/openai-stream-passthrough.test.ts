import assert from "node:assert/strict";
import {
  endOpenAIPassthrough,
  INITIAL_OPENAI_PASSTHROUGH_STATE,
  type OpenAIErrorPayload,
  passOpenAIChunk,
  upstreamStreamBody,
} from "./openai-stream-passthrough.ts";
import { deepFreeze, FIXTURE_CREATED, wire } from "./test-support.ts";
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionCreateParamsStreaming,
  StreamEnd,
  StreamUsage,
} from "./types.ts";
import textChunks from "./fixtures/openai-text-stream.upstream-chunks.json" with { type: "json" };
import textExpected from "./fixtures/openai-text-stream.caller-chunks.json" with { type: "json" };
import toolChunks from "./fixtures/openai-tool-stream.upstream-chunks.json" with { type: "json" };
import toolExpected from "./fixtures/openai-tool-stream.caller-chunks.json" with { type: "json" };
import errorChunks from "./fixtures/openai-error-mid-stream.upstream-chunks.json" with { type: "json" };
import errorExpected from "./fixtures/openai-error-mid-stream.caller-chunks.json" with { type: "json" };

interface Run {
  chunks: ChatCompletionChunk[];
  end: StreamEnd;
  usage: StreamUsage;
}

/** Passes every upstream chunk (frozen: a mutation throws), then ends as the upstream's [DONE] would. */
function run(input: Array<ChatCompletionChunk | OpenAIErrorPayload>, includeUsage: boolean): Run {
  let state = INITIAL_OPENAI_PASSTHROUGH_STATE;
  const chunks: ChatCompletionChunk[] = [];
  let end: StreamEnd | null = null;
  for (const chunk of input) {
    const step = passOpenAIChunk(deepFreeze({ state, chunk: structuredClone(chunk), options: { model: "gpt-4o-mini", includeUsage } }));
    state = deepFreeze(step.state);
    chunks.push(...step.chunks);
    end ??= step.end;
  }
  return { chunks, end: end ?? endOpenAIPassthrough({ state }), usage: state.usage };
}

const upstream = (json: unknown) => wire<{ chunks: Array<ChatCompletionChunk | OpenAIErrorPayload> }>(json).chunks;

const fixtures: Array<{ name: string; input: unknown; includeUsage: boolean; expected: unknown }> = [
  { name: "text, the caller asked for usage: chunks re-labelled, usage chunk kept", input: textChunks, includeUsage: true, expected: textExpected },
  {
    name: "two tool calls, the caller did not ask: no usage field, no usage chunk, usage still captured",
    input: toolChunks,
    includeUsage: false,
    expected: toolExpected,
  },
  { name: "error mid-stream: the chunks so far, then a failed end", input: errorChunks, includeUsage: false, expected: errorExpected },
];

for (const { name, input, includeUsage, expected } of fixtures) {
  Deno.test(`openai passthrough fixture: ${name}`, () => {
    assert.deepStrictEqual(run(upstream(input), includeUsage), wire<Run>(expected));
  });
}

const base = { id: "chatcmpl-1", object: "chat.completion.chunk" as const, created: FIXTURE_CREATED, model: "llama-3.1-8b-instruct" };
const choice = (finish: ChatCompletionChunk.Choice["finish_reason"]) => [{ index: 0, delta: {}, logprobs: null, finish_reason: finish }];
const usage = { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 };

Deno.test("openai passthrough: usage on the last choice chunk (some compatible servers) is captured and stripped when not asked", () => {
  assert.deepStrictEqual(run([{ ...base, choices: choice("stop"), usage }], false), {
    chunks: [{ ...base, model: "gpt-4o-mini", choices: choice("stop") }],
    end: { type: "complete", finishReason: "stop" },
    usage: { tokens: { input_tokens: 10, output_tokens: 3, cached_tokens: 0, cache_write_tokens: 0 }, final: true },
  });
});

Deno.test("openai passthrough: upstream ending before a finish_reason is a malformed stream, usage not final", () => {
  const message = "OpenAI stream: it ended before a finish_reason.";
  assert.deepStrictEqual(run([{ ...base, choices: choice(null) }], true), {
    chunks: [{ ...base, model: "gpt-4o-mini", choices: choice(null) }],
    end: {
      type: "failed",
      failure: { kind: "malformed", status: null, providerType: null, providerCode: null, param: null, message, retryAfterMs: null },
      error: { message: `The provider failed during the stream: ${message}`, type: "api_error", param: null, code: "malformed_response" },
    },
    usage: { tokens: { input_tokens: 0, output_tokens: 0, cached_tokens: 0, cache_write_tokens: 0 }, final: false },
  });
});

const messages = [{ role: "user" as const, content: "Hi" }];
const bodies: Array<{ name: string; body: ChatCompletionCreateParamsBase; expected: ChatCompletionCreateParamsStreaming }> = [
  {
    name: "usage is always asked upstream",
    body: { model: "gpt-4o", messages },
    expected: { model: "gpt-4o", messages, stream: true, stream_options: { include_usage: true } },
  },
  {
    name: "the caller's other stream options are kept, include_usage forced",
    body: { model: "gpt-4o", messages, stream: false, stream_options: { include_usage: false, include_obfuscation: false } },
    expected: { model: "gpt-4o", messages, stream: true, stream_options: { include_usage: true, include_obfuscation: false } },
  },
];

for (const { name, body, expected } of bodies) {
  Deno.test(`upstream stream body: ${name}`, () => {
    assert.deepStrictEqual(upstreamStreamBody(deepFreeze({ body })), expected);
  });
}
