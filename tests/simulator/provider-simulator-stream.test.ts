// Tests of the PROVIDER SIMULATOR's (a test double's) streams, consumed by the official SDKs so the
// wire is the real one: OpenAI `create({stream: true})` and `.stream()`, Anthropic
// `create({stream: true})` (the raw event iterator) and `messages.stream()`. Each stream is
// compared with its non-streamed twin; then the stream faults and the client-abort record.
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import type { ProviderSimulator, ReceivedRequest } from "./provider-simulator.ts";
import { anthropicClient, openaiClient, WEATHER_TOOL_ANTHROPIC, WEATHER_TOOL_OPENAI, withSimulator } from "./test-helpers.ts";

const SYSTEM_CACHED = "You are terse. [sim:cached_tokens=40]";
const openaiBody = {
  model: "gpt-4o",
  messages: [{ role: "system" as const, content: SYSTEM_CACHED }, { role: "user" as const, content: "Hello there, how are you?" }],
};
const anthropicBody = {
  model: "claude-haiku-4-5",
  max_tokens: 64,
  system: SYSTEM_CACHED,
  messages: [{ role: "user" as const, content: "Hello there, how are you?" }],
};

/** Waits (bounded) until the simulator's record of the request matches. */
async function until(sim: ProviderSimulator, ok: (r: ReceivedRequest) => boolean): Promise<ReceivedRequest> {
  for (let i = 0; i < 200; i++) {
    const last = sim.received().at(-1);
    if (last && ok(last)) return last;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`the simulator never recorded the expected state: ${JSON.stringify(sim.received().at(-1))}`);
}

Deno.test("openai stream: role first, word deltas, finish on the last choice chunk, usage chunk, like the twin", () =>
  withSimulator(async (sim) => {
    const client = openaiClient(sim);
    const twin = await client.chat.completions.create(openaiBody);
    const stream = await client.chat.completions.create({ ...openaiBody, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    assert.deepEqual(chunks[0].choices[0].delta, { role: "assistant", content: "", refusal: null });
    const text = chunks.flatMap((c) => c.choices.map((choice) => choice.delta.content ?? "")).join("");
    assert.equal(text, twin.choices[0].message.content);
    assert.ok(chunks.length > 4, "the text comes in several deltas");
    const choiceChunks = chunks.filter((c) => c.choices.length > 0);
    assert.deepEqual(choiceChunks.map((c) => c.choices[0].finish_reason).filter((f) => f !== null), ["stop"]);
    assert.equal(choiceChunks.at(-1)?.choices[0].finish_reason, "stop");
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, twin.usage, "the final usage equals the non-streamed twin's");
    assert.equal(last.usage?.prompt_tokens_details?.cached_tokens, 40);
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === null), "usage: null on every other chunk");
    assert.ok(chunks.every((c) => c.object === "chat.completion.chunk" && c.id === chunks[0].id && c.model === "gpt-4o"));
    const record = sim.received().at(-1)!;
    assert.deepEqual([record.outcome, record.status, record.streamEvents, record.clientAborted], ["answered", 200, chunks.length + 1, false]);
  }));

Deno.test("openai stream without include_usage: no usage field, no usage chunk", () =>
  withSimulator(async (sim) => {
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of await openaiClient(sim).chat.completions.create({ ...openaiBody, stream: true })) chunks.push(chunk);
    assert.ok(chunks.every((c) => !("usage" in c) && c.choices.length === 1));
  }));

Deno.test("openai .stream(): two parallel tool calls, index / id / name first, argument fragments after", () =>
  withSimulator(async (sim) => {
    const calls = [{ name: "get_weather", arguments: { city: "Paris", days: 3 } }, { name: "get_weather", arguments: { city: "Oslo" } }];
    sim.script({ toolCalls: calls, usage: { outputTokens: 31 } }, { toolCalls: calls, usage: { outputTokens: 31 } });
    const client = openaiClient(sim);
    const body = { ...openaiBody, tools: [WEATHER_TOOL_OPENAI] };
    const twin = await client.chat.completions.create(body);
    const runner = client.chat.completions.stream({ ...body, stream_options: { include_usage: true } });
    const deltas: OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
    runner.on("chunk", (chunk) => deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? [])));
    const final = await runner.finalChatCompletion();

    const message = final.choices[0].message;
    assert.equal(final.choices[0].finish_reason, "tool_calls");
    assert.equal(message.content, null);
    assert.deepEqual(
      message.tool_calls?.map((c) => c.type === "function" && [c.function.name, JSON.parse(c.function.arguments)]),
      calls.map((c) => [c.name, c.arguments]),
    );
    const ids = message.tool_calls?.map((c) => c.id) ?? [];
    assert.ok(ids.every((id) => /^call_sim/.test(id)) && new Set(ids).size === 2, `distinct call ids: ${ids}`);
    const openings = deltas.filter((d) => d.id !== undefined);
    assert.deepEqual(openings.map((d) => [d.index, d.function?.name, d.function?.arguments]), [[0, "get_weather", ""], [1, "get_weather", ""]]);
    assert.ok(deltas.filter((d) => d.id === undefined).every((d) => d.function?.name === undefined && d.function?.arguments !== ""));
    assert.ok(deltas.filter((d) => d.index === 1 && d.id === undefined).length > 1, "arguments span several deltas");
    assert.deepEqual(final.usage, twin.usage);
  }));

Deno.test("anthropic raw event iterator: message_start usage, ping, text blocks, message_delta, message_stop", () =>
  withSimulator(async (sim) => {
    const client = anthropicClient(sim);
    const twin = await client.messages.create(anthropicBody);
    const events: Anthropic.Messages.RawMessageStreamEvent[] = [];
    for await (const event of await client.messages.create({ ...anthropicBody, stream: true })) events.push(event);

    assert.deepEqual(events.map((e) => e.type).filter((t, i, all) => t !== all[i - 1]), [
      "message_start", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop",
    ]);
    const start = events[0] as Anthropic.Messages.RawMessageStartEvent;
    assert.equal(start.message.usage.input_tokens, twin.usage.input_tokens);
    assert.equal(start.message.usage.cache_read_input_tokens, 40);
    const delta = events.find((e) => e.type === "message_delta") as Anthropic.Messages.RawMessageDeltaEvent;
    assert.deepEqual([delta.delta.stop_reason, delta.usage.output_tokens], ["end_turn", twin.usage.output_tokens]);
    const record = sim.received().at(-1)!;
    // The SDK skips pings: the wire has one more event than the iterator.
    assert.equal(record.streamEvents, events.length + 1);
    assert.equal(record.outcome, "answered");
  }));

Deno.test("anthropic messages.stream(): the final message equals the non-streamed twin (text and tool use)", () =>
  withSimulator(async (sim) => {
    const client = anthropicClient(sim);
    for (const body of [anthropicBody, { ...anthropicBody, tools: [WEATHER_TOOL_ANTHROPIC] }]) {
      const twin = await client.messages.create(body);
      const final = await client.messages.stream(body).finalMessage();
      // Ids are counters (distinct per call); the stream helper adds parsed_output / stop_details.
      const withoutIds = ({ parsed_output: _p, stop_details: _s, ...m }: Anthropic.Messages.Message & { parsed_output?: unknown }) => ({
        ...m,
        id: "",
        content: m.content.map((b) => (b.type === "tool_use" ? { ...b, id: "" } : b)),
      });
      assert.deepEqual(withoutIds(final), withoutIds(twin));
    }
  }));

Deno.test("anthropic tool_use streams as input_json_delta fragments, the first one empty", () =>
  withSimulator(async (sim) => {
    sim.script({ provider: "anthropic", toolCalls: [{ name: "get_weather", arguments: { city: "Paris", days: 3 } }] });
    const events: Anthropic.Messages.RawMessageStreamEvent[] = [];
    const body = { ...anthropicBody, tools: [WEATHER_TOOL_ANTHROPIC], stream: true as const };
    for await (const event of await anthropicClient(sim).messages.create(body)) events.push(event);
    const start = events.find((e) => e.type === "content_block_start") as Anthropic.Messages.RawContentBlockStartEvent;
    assert.deepEqual({ ...start.content_block, id: "" }, { type: "tool_use", id: "", name: "get_weather", input: {} });
    const parts = events.flatMap((e) => (e.type === "content_block_delta" && e.delta.type === "input_json_delta" ? [e.delta.partial_json] : []));
    assert.equal(parts[0], "");
    assert.deepEqual(JSON.parse(parts.join("")), { city: "Paris", days: 3 });
  }));

Deno.test("stream faults: an error step answers before the stream; an error event mid-stream throws the SDK's APIError", () =>
  withSimulator(async (sim) => {
    sim.script(
      { provider: "openai", error: "rate_limit" },
      { provider: "openai", errorAfterEvents: 2, streamError: "server_error" },
      { provider: "anthropic", errorAfterEvents: 3 },
    );
    const openai = openaiClient(sim);
    await assert.rejects(openai.chat.completions.create({ ...openaiBody, stream: true }), OpenAI.RateLimitError);
    const seen: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const c of await openai.chat.completions.create({ ...openaiBody, stream: true })) seen.push(c.choices[0].delta.content ?? "");
      })(),
      (e: unknown) => e instanceof OpenAI.APIError && /server had an error/.test(e.message),
    );
    assert.equal(seen.length, 2);
    let anthropicEvents = 0;
    await assert.rejects(
      (async () => {
        for await (const _ of await anthropicClient(sim).messages.create({ ...anthropicBody, stream: true })) anthropicEvents++;
      })(),
      (e: unknown) => e instanceof Anthropic.APIError && e.type === "overloaded_error",
    );
    assert.equal(anthropicEvents, 2, "message_start, content_block_start (the ping is skipped)");
    assert.deepEqual(sim.received().map((r) => [r.outcome, r.streamEvents]), [["answered", null], ["stream_error", 3], ["stream_error", 4]]);
  }));

Deno.test("stream faults: a drop mid-stream is an error for the client, not a normal end", () =>
  withSimulator(async (sim) => {
    sim.script({ dropAfterEvents: 3, times: 2 });
    let chunks = 0;
    await assert.rejects((async () => {
      for await (const _ of await openaiClient(sim).chat.completions.create({ ...openaiBody, stream: true })) chunks++;
    })());
    assert.equal(chunks, 3);
    await assert.rejects(anthropicClient(sim).messages.stream(anthropicBody).finalMessage());
    assert.deepEqual(sim.received().map((r) => [r.outcome, r.streamEvents, r.clientAborted]), [["dropped", 3, false], ["dropped", 3, false]]);
  }));

Deno.test("stream faults: a stall keeps the connection silent; the client's abort is recorded", () =>
  withSimulator(async (sim) => {
    sim.script({ stallAfterEvents: 2, times: 2 });
    const controller = new AbortController();
    const stream = await openaiClient(sim).chat.completions.create({ ...openaiBody, stream: true }, { signal: controller.signal });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    const third = iterator.next();
    const silent = await Promise.race([third.then(() => "event"), new Promise((r) => setTimeout(() => r("silent"), 150))]);
    assert.equal(silent, "silent", "no event after the stall");
    assert.equal(sim.received()[0].clientAborted, false);
    controller.abort();
    await third.catch(() => undefined);
    const record = await until(sim, (r) => r.clientAborted);
    assert.deepEqual([record.outcome, record.streamEvents], ["stalled", 2]);

    const anthropic = anthropicClient(sim).messages.stream(anthropicBody);
    const ended = anthropic.done().catch((e: unknown) => e);
    await new Promise<void>((resolve) => anthropic.on("streamEvent", () => resolve()));
    anthropic.abort();
    assert.ok((await ended) instanceof Anthropic.APIUserAbortError);
    await until(sim, (r) => r.provider === "anthropic" && r.clientAborted);
    assert.equal(sim.abortedCount(), 2);
    assert.equal(sim.abortedCount({ provider: "anthropic" }), 1);
  }));

Deno.test("stream faults: slow events, a client abort mid-stream is recorded as aborted", () =>
  withSimulator(async (sim) => {
    sim.script({ streamIntervalMs: 40 });
    const controller = new AbortController();
    let chunks = 0;
    for await (const _ of await openaiClient(sim).chat.completions.create({ ...openaiBody, stream: true }, { signal: controller.signal })) {
      if (++chunks === 2) controller.abort();
    }
    const record = await until(sim, (r) => r.outcome === "aborted");
    assert.equal(record.clientAborted, true);
    assert.ok(record.streamEvents !== null && record.streamEvents < 8, `stopped early (${record.streamEvents} events)`);
  }));

Deno.test("stream faults: delayMs holds the first byte back; a hung request the client gives up on is recorded", () =>
  withSimulator(async (sim) => {
    sim.script({ delayMs: 120 }, { hang: true });
    const started = Date.now();
    const stream = await openaiClient(sim).chat.completions.create({ ...openaiBody, stream: true });
    const firstByte = Date.now() - started;
    for await (const _ of stream) { /* drain */ }
    assert.ok(firstByte >= 110, `first byte after ${firstByte} ms`);
    await assert.rejects(anthropicClient(sim, 100).messages.create({ ...anthropicBody, stream: true }), Anthropic.APIConnectionTimeoutError);
    const record = await until(sim, (r) => r.clientAborted);
    assert.equal(record.outcome, "hung");
  }));

Deno.test("stream validation: stream_options without stream is refused like OpenAI; a bad stream step is refused", () =>
  withSimulator(async (sim) => {
    const error = await openaiClient(sim).chat.completions.create({ ...openaiBody, stream_options: { include_usage: true } }).catch((e: unknown) => e);
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.equal(error.param, "stream_options");
    assert.throws(() => sim.script({ stallAfterEvents: -1 }), /stallAfterEvents must be a whole number/);
    assert.throws(() => sim.script({ streamError: "nope" as never }), /streamError must be one of/);
    assert.throws(() => sim.script({ toolCalls: [] }), /toolCalls must be a non-empty array/);
  }));
