// Tests of the PROVIDER SIMULATOR (a test double) through the real SDKs: success on both wire
// protocols, the default tool-call behaviour, usage, what it records, validation and auth errors,
// and the control API another process uses. Failure scripting is in provider-simulator-faults.test.ts.
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { TEXT_OUTPUT_TOKENS, TOOL_CALL_OUTPUT_TOKENS } from "./provider-simulator.ts";
import {
  ANTHROPIC_TEST_KEY,
  anthropicClient,
  OPENAI_TEST_KEY,
  openaiClient,
  post,
  WEATHER_TOOL_ANTHROPIC,
  WEATHER_TOOL_OPENAI,
  withSimulator,
} from "./test-helpers.ts";

const estimate = (messages: unknown): number => Math.ceil(JSON.stringify(messages).length / 4);

Deno.test("openai: the SDK parses a default chat.completion", () =>
  withSimulator(async (sim) => {
    const messages = [{ role: "user" as const, content: "Hello" }];
    const { data, request_id } = await openaiClient(sim).chat.completions.create({ model: "gpt-4o", messages }).withResponse();
    assert.match(data.id, /^chatcmpl-/);
    assert.equal(data.object, "chat.completion");
    assert.equal(data.model, "gpt-4o");
    assert.equal(typeof data.created, "number");
    assert.equal(data.system_fingerprint, "fp_simulator");
    assert.equal(data.choices[0].message.content, "Simulated answer from gpt-4o.");
    assert.equal(data.choices[0].finish_reason, "stop");
    assert.equal(data.usage?.prompt_tokens, estimate(messages));
    assert.equal(data.usage?.completion_tokens, TEXT_OUTPUT_TOKENS);
    assert.equal(data.usage?.total_tokens, estimate(messages) + TEXT_OUTPUT_TOKENS);
    assert.equal(data.usage?.prompt_tokens_details?.cached_tokens, 0);
    assert.match(request_id ?? "", /^req_/);
  }));

Deno.test("anthropic: the SDK parses a default message", () =>
  withSimulator(async (sim) => {
    const messages = [{ role: "user" as const, content: "Hello" }];
    const { data, request_id } = await anthropicClient(sim).messages
      .create({ model: "claude-haiku-4-5", max_tokens: 64, messages })
      .withResponse();
    assert.match(data.id, /^msg_/);
    assert.equal(data.type, "message");
    assert.equal(data.role, "assistant");
    assert.equal(data.model, "claude-haiku-4-5");
    assert.deepEqual(data.content, [{ type: "text", text: "Simulated answer from claude-haiku-4-5." }]);
    assert.equal(data.stop_reason, "end_turn");
    assert.equal(data.stop_sequence, null);
    assert.equal(data.usage.input_tokens, estimate(messages));
    assert.equal(data.usage.output_tokens, TEXT_OUTPUT_TOKENS);
    assert.equal(data.usage.cache_read_input_tokens, 0);
    assert.equal(data.usage.cache_creation_input_tokens, 0);
    assert.match(request_id ?? "", /^req_/);
  }));

Deno.test("openai: default tool call, then text once the tool answered", () =>
  withSimulator(async (sim) => {
    const client = openaiClient(sim);
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Oslo?" }];
    const first = await client.chat.completions.create({ model: "gpt-4o-mini", messages, tools: [WEATHER_TOOL_OPENAI] });
    const choice = first.choices[0];
    assert.equal(choice.finish_reason, "tool_calls");
    assert.equal(choice.message.content, null);
    const call = choice.message.tool_calls?.[0];
    assert.ok(call && call.type === "function");
    assert.match(call.id, /^call_/);
    assert.equal(call.function.name, "get_weather");
    assert.deepEqual(JSON.parse(call.function.arguments), { city: "x" });
    assert.equal(first.usage?.completion_tokens, TOOL_CALL_OUTPUT_TOKENS);

    messages.push(choice.message, { role: "tool", tool_call_id: call.id, content: "sunny" });
    const second = await client.chat.completions.create({ model: "gpt-4o-mini", messages, tools: [WEATHER_TOOL_OPENAI] });
    assert.equal(second.choices[0].finish_reason, "stop");
    assert.equal(second.choices[0].message.content, "Simulated answer from gpt-4o-mini.");
  }));

Deno.test("openai: [sim:tool_rounds=2] asks for a second tool call; tool_choice none gives text", () =>
  withSimulator(async (sim) => {
    const client = openaiClient(sim);
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
      { role: "system", content: "Be brief. [sim:tool_rounds=2]" },
      { role: "user", content: "Weather?" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "call_1", content: "rain" },
    ];
    const again = await client.chat.completions.create({ model: "gpt-4o", messages, tools: [WEATHER_TOOL_OPENAI] });
    assert.equal(again.choices[0].finish_reason, "tool_calls");
    const none = await client.chat.completions.create({ model: "gpt-4o", messages, tools: [WEATHER_TOOL_OPENAI], tool_choice: "none" });
    assert.equal(none.choices[0].finish_reason, "stop");
  }));

Deno.test("anthropic: default tool_use, then text after the tool_result", () =>
  withSimulator(async (sim) => {
    const client = anthropicClient(sim);
    const messages: Anthropic.MessageParam[] = [{ role: "user", content: "Weather in Oslo?" }];
    const first = await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 64, messages, tools: [WEATHER_TOOL_ANTHROPIC] });
    assert.equal(first.stop_reason, "tool_use");
    const block = first.content[0];
    assert.ok(block.type === "tool_use");
    assert.match(block.id, /^toolu_[a-zA-Z0-9_-]+$/);
    assert.equal(block.name, "get_weather");
    assert.deepEqual(block.input, { city: "x" });

    messages.push(
      { role: "assistant", content: first.content },
      { role: "user", content: [{ type: "tool_result", tool_use_id: block.id, content: "sunny" }, { type: "text", text: "Thanks" }] },
    );
    const second = await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 64, messages, tools: [WEATHER_TOOL_ANTHROPIC] });
    assert.equal(second.stop_reason, "end_turn");
    assert.deepEqual(second.content, [{ type: "text", text: "Simulated answer from claude-haiku-4-5." }]);
  }));

Deno.test("[sim:cached_tokens=N] reports cached usage in each provider's fields", () =>
  withSimulator(async (sim) => {
    const openaiMessages = [{ role: "system" as const, content: "[sim:cached_tokens=3]" }, { role: "user" as const, content: "Hi" }];
    const o = await openaiClient(sim).chat.completions.create({ model: "gpt-4o", messages: openaiMessages });
    assert.equal(o.usage?.prompt_tokens_details?.cached_tokens, 3);
    assert.equal(o.usage?.prompt_tokens, estimate(openaiMessages));

    const messages = [{ role: "user" as const, content: "Hi, tell me a long enough story please" }];
    const a = await anthropicClient(sim).messages.create({ model: "claude-haiku-4-5", max_tokens: 8, system: "[sim:cached_tokens=3]", messages });
    assert.equal(a.usage.cache_read_input_tokens, 3);
    // Anthropic's input_tokens exclude cache reads, so input + cache read = the estimate,
    // which counts the system prompt too (Anthropic bills it as input).
    const system = "[sim:cached_tokens=3]";
    assert.equal(a.usage.input_tokens + 3, Math.ceil((JSON.stringify(messages).length + system.length) / 4));
  }));

Deno.test("[sim:output_tokens=N] sets the output tokens on both wires", () =>
  withSimulator(async (sim) => {
    const o = await openaiClient(sim).chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "system", content: "[sim:output_tokens=1800]" }, { role: "user", content: "Hi" }],
    });
    assert.equal(o.usage?.completion_tokens, 1800);
    const a = await anthropicClient(sim).messages.create({
      model: "claude-haiku-4-5", max_tokens: 2000, system: "[sim:output_tokens=1800]", messages: [{ role: "user", content: "Hi" }],
    });
    assert.equal(a.usage.output_tokens, 1800);
  }));

Deno.test("openai: response_format json_object / json_schema gets parsable JSON content", () =>
  withSimulator(async (sim) => {
    const client = openaiClient(sim);
    const messages = [{ role: "user" as const, content: "JSON please" }];
    const object = await client.chat.completions.create({ model: "gpt-4o", messages, response_format: { type: "json_object" } });
    assert.deepEqual(JSON.parse(object.choices[0].message.content ?? ""), { answer: "Simulated answer from gpt-4o." });
    const schema = { type: "object", properties: { city: { type: "string" }, n: { type: "integer" } }, required: ["city", "n"] };
    const shaped = await client.chat.completions.create({
      model: "gpt-4o",
      messages,
      response_format: { type: "json_schema", json_schema: { name: "s", schema } },
    });
    assert.deepEqual(JSON.parse(shaped.choices[0].message.content ?? ""), { city: "x", n: 1 });
  }));

Deno.test("received() records provider, path, lowercased headers and the parsed body", () =>
  withSimulator(async (sim) => {
    await openaiClient(sim).chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "one" }] });
    await anthropicClient(sim).messages.create({ model: "claude-haiku-4-5", max_tokens: 5, messages: [{ role: "user", content: "two" }] });
    const all = sim.received();
    assert.equal(all.length, 2);
    const [o, a] = all;
    assert.deepEqual([o.provider, o.method, o.path, o.model, o.status, o.outcome], ["openai", "POST", "/v1/chat/completions", "gpt-4o", 200, "answered"]);
    assert.equal(o.headers["authorization"], `Bearer ${OPENAI_TEST_KEY}`);
    assert.deepEqual(o.body, { model: "gpt-4o", messages: [{ role: "user", content: "one" }] });
    assert.equal(a.path, "/v1/messages");
    assert.equal(a.headers["anthropic-version"], "2026-10-21");
    assert.equal(a.headers["authorization"], `Bearer ${ANTHROPIC_TEST_KEY}`);
    assert.deepEqual(a.body, { model: "claude-haiku-4-5", max_tokens: 5, messages: [{ role: "user", content: "two" }] });
    assert.ok(a.time >= o.time);
    assert.deepEqual(sim.received({ provider: "anthropic" }).map((r) => r.seq), [2]);
    assert.deepEqual(sim.received((r) => r.model === "gpt-4o").map((r) => r.seq), [1]);
    sim.reset();
    assert.equal(sim.received().length, 0);
  }));

Deno.test("validation: a tool_result without a tool_use in the previous turn is a 400", () =>
  withSimulator(async (sim) => {
    const error = await anthropicClient(sim).messages.create({
      model: "claude-haiku-4-5",
      max_tokens: 5,
      messages: [
        { role: "user", content: "Weather?" },
        { role: "assistant", content: "Let me check." },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_missing", content: "sunny" }] },
      ],
    }).catch((e: unknown) => e);
    assert.ok(error instanceof Anthropic.BadRequestError);
    assert.equal(error.status, 400);
    assert.equal(error.type, "invalid_request_error");
    assert.match(error.apiMessage ?? "", /unexpected `tool_use_id`.*toolu_missing/);
    assert.equal(sim.received()[0].status, 400);
    assert.equal(sim.received()[0].scripted, false);
  }));

Deno.test("validation: an OpenAI tool message that answers no tool_calls is a 400", () =>
  withSimulator(async (sim) => {
    const error = await openaiClient(sim).chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Hi" }, { role: "tool", tool_call_id: "call_x", content: "orphan" }],
    }).catch((e: unknown) => e);
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.equal(error.type, "invalid_request_error");
    assert.equal(error.param, "messages.[1].role");
    assert.match(error.message, /must be a response to a preceeding message with 'tool_calls'/);
  }));

Deno.test("auth and headers: each provider's 401 and Anthropic's version rules", () =>
  withSimulator(async (sim) => {
    const body = { model: "claude-haiku-4-5", max_tokens: 5, messages: [{ role: "user", content: "Hi" }] };
    const o = await post(`${sim.openaiBaseUrl}/chat/completions`, body, {});
    assert.equal(o.status, 401);
    assert.deepEqual(Object.keys((o.json as { error: object }).error).sort(), ["code", "message", "param", "type"]);
    const a = await post(`${sim.url}/v1/messages`, body, { "anthropic-version": "2023-06-01" });
    assert.equal(a.status, 401);
    assert.deepEqual((a.json as { error: unknown }).error, { type: "authentication_error", message: "x-api-key header is required" });
    const noVersion = await post(`${sim.url}/v1/messages`, body, { "x-api-key": ANTHROPIC_TEST_KEY });
    assert.equal(noVersion.status, 400);
    // 2023-06-01 accepts temperature within 0..1; 2026-10-21 (the SDK's version) rejects it at any value.
    const old = await post(`${sim.url}/v1/messages`, { ...body, temperature: 0.5 }, { "x-api-key": ANTHROPIC_TEST_KEY, "anthropic-version": "2023-06-01" });
    assert.equal(old.status, 200);
    const tooHot = await post(`${sim.url}/v1/messages`, { ...body, temperature: 1.5 }, { "x-api-key": ANTHROPIC_TEST_KEY, "anthropic-version": "2023-06-01" });
    assert.equal(tooHot.status, 400);
    const current = await post(`${sim.url}/v1/messages`, { ...body, temperature: 1 }, { "x-api-key": ANTHROPIC_TEST_KEY, "anthropic-version": "2026-10-21" });
    assert.equal(current.status, 400);
    assert.equal((current.json as { error: { message: string } }).error.message, "temperature: Extra inputs are not permitted");
    const badJson = await post(`${sim.openaiBaseUrl}/chat/completions`, "{not json", { authorization: "Bearer k" });
    assert.equal(badJson.status, 400);
    const unknown = await post(`${sim.url}/v1/nothing`, {}, {});
    assert.equal(unknown.status, 404);
    const get = await fetch(`${sim.openaiBaseUrl}/chat/completions`);
    assert.equal(get.status, 405);
    await get.body?.cancel();
  }));

Deno.test("control API: script, received and reset over HTTP", () =>
  withSimulator(async (sim) => {
    const scripted = await post(`${sim.url}/__simulator/script`, [{ provider: "openai", text: "from the control API" }], {});
    assert.deepEqual(scripted.json, { queued: 1, pending: 1 });
    const bad = await post(`${sim.url}/__simulator/script`, [{ error: "no_such_preset" }], {});
    assert.equal(bad.status, 400);
    const answer = await openaiClient(sim).chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }] });
    assert.equal(answer.choices[0].message.content, "from the control API");

    const list = await fetch(`${sim.url}/__simulator/received?provider=openai`);
    const records = (await list.json()) as { path: string; scripted: boolean }[];
    assert.deepEqual(records.map((r) => [r.path, r.scripted]), [["/v1/chat/completions", true]]);
    const reset = await post(`${sim.url}/__simulator/reset`, {}, {});
    assert.equal(reset.status, 200);
    assert.equal(sim.received().length, 0);
    assert.equal(sim.pendingSteps(), 0);
  }));
