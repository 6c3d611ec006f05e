// End to end on real wires: the provider simulator's Anthropic stream, read with the official SDK's
// raw event iterator, goes through the translation and the SSE driver in a tiny local server (what
// route-completion will do), and the unmodified OpenAI SDK consumes what comes out. The record
// must carry the same tokens as the non-streamed twin; stalls and client aborts must reach upstream.
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { startProviderSimulator } from "../../../tests/simulator/provider-simulator.ts";
import type { ProviderSimulator, ReceivedRequest } from "../../../tests/simulator/provider-simulator.ts";
import { failureFromSdkError } from "../providers/sdk-failure.ts";
import { convertFromAnthropicResponse, convertToAnthropicRequest, normalizeAnthropicUsage, normalizeOpenAIUsage } from "../translate/mod.ts";
import type { OpenAIChatRequest } from "../translate/mod.ts";
import { toCallerToolId } from "../translate/tool-id-map.ts";
import { anthropicChunkSource, openaiChunkSource } from "./chunk-sources.ts";
import { upstreamStreamBody } from "./openai-stream-passthrough.ts";
import { SSE_HEADERS } from "./sse.ts";
import { type StartedStream, startSseStream, type StreamRecord } from "./sse-response.ts";
import { streamFailureFromThrown } from "./stream-failure.ts";

const CATALOG_NAME = "claude-haiku-4-5";
const WIRE_MODEL = "claude-haiku-4-5";
const CREATED = 1767225600;

interface Stack {
  sim: ProviderSimulator;
  anthropic: Anthropic;
  openai: OpenAI;
  /** What the local server recorded, one per streamed call, when each stream ended. */
  records: Promise<StreamRecord>[];
  /** Attempts that failed before the first byte (retried once, then a 502). */
  failedAttempts: StartedStream[];
}

/** A minimal stand-in for route-completion's stream path: translate, stream, retry before the first byte. */
async function withStack(stallMs: number, run: (stack: Stack) => Promise<void>): Promise<void> {
  const sim = await startProviderSimulator();
  const anthropic = new Anthropic({ apiKey: "test-anthropic-key", baseURL: sim.anthropicBaseUrl, maxRetries: 0 });
  const records: Promise<StreamRecord>[] = [];
  const failedAttempts: StartedStream[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const caller = await request.json() as OpenAIChatRequest;
    const { body, toolIds } = convertToAnthropicRequest({ request: caller, model: WIRE_MODEL, defaultMaxTokens: 256 });
    for (let attempt = 0; attempt < 2; attempt++) {
      const upstream = await anthropic.messages.create({ ...body, stream: true }, { signal: request.signal });
      const started = await startSseStream({
        source: upstream,
        chunks: anthropicChunkSource({
          options: {
            model: CATALOG_NAME,
            created: CREATED,
            includeUsage: caller.stream_options?.include_usage === true,
            toCallerId: (id) => toCallerToolId({ toolIds, id }),
          },
        }),
        stallMs,
        signal: request.signal,
        abortUpstream: () => upstream.controller.abort(),
        failureFromError: (error) => streamFailureFromThrown({ error }) ?? failureFromSdkError(error),
      });
      if (started.ok) {
        records.push(started.done);
        return new Response(started.body, { headers: { ...SSE_HEADERS, "x-routing-model": CATALOG_NAME } });
      }
      failedAttempts.push(started);
    }
    return Response.json({ error: { message: "All attempts failed.", type: "api_error", param: null, code: null } }, { status: 502 });
  });
  const openai = new OpenAI({ apiKey: "caller-key", baseURL: `http://127.0.0.1:${server.addr.port}/v1`, maxRetries: 0 });
  try {
    await run({ sim, anthropic, openai, records, failedAttempts });
  } finally {
    await server.shutdown();
    await sim.close();
  }
}

async function until(sim: ProviderSimulator, ok: (r: ReceivedRequest) => boolean): Promise<ReceivedRequest> {
  for (let i = 0; i < 200; i++) {
    const found = sim.received().find(ok);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`the simulator never saw it: ${JSON.stringify(sim.received().map((r) => [r.outcome, r.clientAborted]))}`);
}

const messages: OpenAIChatRequest["messages"] = [
  { role: "system", content: "Be brief. [sim:cached_tokens=40]" },
  { role: "user", content: "What is the weather in Paris and the time in Oslo?" },
];
const tools: OpenAIChatRequest["tools"] = [
  { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
  { type: "function", function: { name: "get_time", parameters: { type: "object", properties: {} } } },
];

/** The non-streamed twin: the same request, answered whole and converted as route-completion does. */
async function twinOf(stack: Stack, request: OpenAIChatRequest) {
  const { body, toolIds } = convertToAnthropicRequest({ request, model: WIRE_MODEL, defaultMaxTokens: 256 });
  const message = await stack.anthropic.messages.create(body);
  return { completion: convertFromAnthropicResponse({ response: message, toolIds, created: CREATED }), usage: normalizeAnthropicUsage({ usage: message.usage }) };
}

Deno.test("e2e: a text stream reaches the OpenAI SDK; the record's tokens equal the non-streamed twin's", () =>
  withStack(1000, async (stack) => {
    const twin = await twinOf(stack, { model: "auto", messages });
    const runner = stack.openai.chat.completions.stream({ model: "auto", messages, stream_options: { include_usage: true } });
    let deltas = 0;
    runner.on("content", () => deltas++);
    const final = await runner.finalChatCompletion();
    const record = await stack.records[0];

    assert.ok(deltas > 2, "the text came in several deltas");
    assert.equal(final.model, CATALOG_NAME);
    assert.equal(final.choices[0].message.content, twin.completion.choices[0].message.content);
    assert.equal(final.choices[0].finish_reason, "stop");
    assert.deepEqual(final.usage, twin.completion.usage, "the usage chunk equals the twin's usage");
    assert.equal(final.usage?.prompt_tokens_details?.cached_tokens, 40);
    assert.deepEqual([record.ending, record.completed, record.usageFinal, record.failure], ["complete", true, true, null]);
    assert.deepEqual(record.usage, twin.usage, "the recorded tokens equal the twin's");
    assert.deepEqual(record.completion.choices, twin.completion.choices);
  }));

Deno.test("e2e: two parallel tool calls stream with stable indexes; the record equals the twin (but for fresh ids)", () =>
  withStack(1000, async (stack) => {
    const calls = [{ name: "get_weather", arguments: { city: "Paris" } }, { name: "get_time", arguments: {} }];
    stack.sim.script({ provider: "anthropic", toolCalls: calls, times: 2 });
    const twin = await twinOf(stack, { model: "auto", messages, tools });
    const indexes: number[] = [];
    const stream = await stack.openai.chat.completions.create({ model: "auto", messages, tools, stream: true });
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) if (call.id) indexes.push(call.index);
    }
    const record = await stack.records[0];
    assert.deepEqual(indexes, [0, 1]);
    assert.ok(chunks.every((c) => !("usage" in c)), "no usage asked, none sent");
    const strip = (c: typeof twin.completion) => c.choices[0].message.tool_calls?.map((t) => t.type === "function" && [t.function.name, t.function.arguments]);
    assert.deepEqual(strip(record.completion), strip(twin.completion));
    assert.deepEqual(strip(record.completion), [["get_weather", '{"city":"Paris"}'], ["get_time", "{}"]]);
    assert.equal(record.finishReason, "tool_calls");
    assert.deepEqual(record.usage, twin.usage, "usage recorded although the caller did not ask for it");
  }));

Deno.test("e2e: a failure before the first byte is retried; after it, the caller gets OpenAI's streaming error", () =>
  withStack(1000, async (stack) => {
    stack.sim.script({ provider: "anthropic", errorAfterEvents: 0 }, { provider: "anthropic", errorAfterEvents: 4 });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of await stack.openai.chat.completions.create({ model: "auto", messages, stream: true })) {
        seen.push(chunk.choices[0]?.delta.content ?? "");
      }
    })().catch((e: unknown) => e);
    assert.ok(error instanceof OpenAI.APIError, String(error));
    assert.equal(error.message, "The provider failed during the stream: Overloaded");
    assert.deepEqual([error.type, error.code], ["api_error", "overloaded"]);
    assert.ok(seen.length >= 2, "the chunks before the failure arrived");
    assert.equal(stack.failedAttempts.length, 1, "the first attempt failed before the first byte");
    assert.equal(stack.failedAttempts[0].ok === false && stack.failedAttempts[0].failure?.status, 529);
    const record = await stack.records[0];
    assert.deepEqual([record.ending, record.completed, record.failure?.providerType], ["provider_error", false, "overloaded_error"]);
    assert.deepEqual([record.usage.cached_tokens, record.usageFinal], [40, false], "cache reads counted from message_start, output not final");
  }));

Deno.test("e2e: an error event right after message_start (nothing sent yet) is a failure before the first byte: retried", () =>
  withStack(1000, async (stack) => {
    // Anthropic's overloaded_error arrives inside a 200 stream, after message_start: the held role chunk never left.
    stack.sim.script({ provider: "anthropic", errorAfterEvents: 1 });
    let text = "";
    const roles: string[] = [];
    for await (const chunk of await stack.openai.chat.completions.create({ model: "auto", messages, stream: true })) {
      if (chunk.choices[0]?.delta.role) roles.push(chunk.choices[0].delta.role);
      text += chunk.choices[0]?.delta.content ?? "";
    }
    assert.equal(stack.failedAttempts.length, 1, "the first attempt failed before the first byte");
    const failed = stack.failedAttempts[0];
    assert.deepEqual(failed.ok === false && [failed.ending, failed.failure?.status], ["provider_error", 529]);
    assert.deepEqual(roles, ["assistant"], "one role chunk: the second attempt's");
    assert.ok(text.length > 0, "the retried attempt's answer arrived whole");
    const record = await stack.records[0];
    assert.deepEqual([record.ending, record.completed], ["complete", true]);
  }));

Deno.test("e2e: a stall ends the caller's stream with a timeout error and aborts the upstream request", () =>
  withStack(150, async (stack) => {
    stack.sim.script({ provider: "anthropic", stallAfterEvents: 5 });
    const error = await (async () => {
      for await (const _ of await stack.openai.chat.completions.create({ model: "auto", messages, stream: true })) { /* read */ }
    })().catch((e: unknown) => e);
    assert.ok(error instanceof OpenAI.APIError);
    assert.equal(error.code, "timeout");
    const record = await stack.records[0];
    assert.deepEqual([record.ending, record.failure?.providerCode, record.usageFinal], ["stalled", "stream_stalled", false]);
    const upstream = await until(stack.sim, (r) => r.clientAborted);
    assert.deepEqual([upstream.outcome, upstream.streamEvents], ["stalled", 5]);
  }));

Deno.test("e2e: a caller who disconnects aborts upstream; what it received is recorded", () =>
  withStack(1000, async (stack) => {
    stack.sim.script({ provider: "anthropic", streamIntervalMs: 40 });
    const controller = new AbortController();
    let chunks = 0;
    const stream = await stack.openai.chat.completions.create({ model: "auto", messages, stream: true }, { signal: controller.signal });
    for await (const _ of stream) if (++chunks === 3) controller.abort();
    const record = await stack.records[0];
    assert.deepEqual([record.ending, record.completed, record.failure, record.usageFinal], ["client_aborted", false, null, false]);
    assert.equal(record.usage.cached_tokens, 40, "the input counts are known from message_start");
    assert.ok((record.completion.choices[0].message.content ?? "").length > 0, "the text sent so far is recorded");
    const upstream = await until(stack.sim, (r) => r.clientAborted);
    assert.equal(upstream.outcome, "aborted");
  }));

Deno.test("e2e: an OpenAI upstream passes through re-labelled; usage asked upstream, recorded, not shown to a caller who did not ask", async () => {
  const sim = await startProviderSimulator();
  const upstreamClient = new OpenAI({ apiKey: "test-openai-key", baseURL: sim.openaiBaseUrl, maxRetries: 0 });
  const records: Promise<StreamRecord>[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    const caller = await request.json() as OpenAIChatRequest;
    const upstream = await upstreamClient.chat.completions.create(upstreamStreamBody({ body: { model: "gpt-4o-mini", messages: caller.messages } }));
    const started = await startSseStream({
      source: upstream,
      chunks: openaiChunkSource({ options: { model: "fast-gpt", includeUsage: caller.stream_options?.include_usage === true } }),
      stallMs: 1000,
      abortUpstream: () => upstream.controller.abort(),
      failureFromError: (error) => streamFailureFromThrown({ error }) ?? failureFromSdkError(error),
    });
    if (!started.ok) return Response.json({ error: { message: "failed", type: "api_error", param: null, code: null } }, { status: 502 });
    records.push(started.done);
    return new Response(started.body, { headers: SSE_HEADERS });
  });
  try {
    const twin = await upstreamClient.chat.completions.create({ model: "gpt-4o-mini", messages });
    const caller = new OpenAI({ apiKey: "caller-key", baseURL: `http://127.0.0.1:${server.addr.port}/v1`, maxRetries: 0 });
    const chunks = [];
    for await (const chunk of await caller.chat.completions.create({ model: "auto", messages, stream: true })) chunks.push(chunk);
    const record = await records[0];
    assert.ok(chunks.every((c) => c.model === "fast-gpt" && !("usage" in c) && c.choices.length === 1));
    assert.equal(chunks.map((c) => c.choices[0].delta.content ?? "").join(""), twin.choices[0].message.content);
    assert.deepEqual([record.ending, record.finishReason, record.usageFinal], ["complete", "stop", true]);
    assert.deepEqual(record.usage, normalizeOpenAIUsage({ usage: twin.usage }), "the recorded tokens equal the twin's");
    assert.equal(record.usage.cached_tokens, 40);
    assert.deepEqual((sim.received().at(-1)?.body as { stream_options?: unknown }).stream_options, { include_usage: true });
  } finally {
    await server.shutdown();
    await sim.close();
  }
});
