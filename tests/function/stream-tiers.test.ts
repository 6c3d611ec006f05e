// Streams through the real function with the unmodified OpenAI client: a text stream and a
// tool-call stream from each tier's model (routing.config names them), on its provider's wire;
// the usage chunk only when `stream_options.include_usage` asks for it; `[DONE]` at the end and
// the x-routing-* headers with the first byte; the call recorded with the provider's tokens.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import type OpenAI from "openai";
import { configuredModels, createUserWithAgent, e2e, startStack } from "./harness.ts";
import { rawStream, recordedCalls, routerClient } from "./stream-support.ts";

const TIERS = [{ name: "low", score: 2.1 }, { name: "medium", score: 5.2 }, { name: "high", score: 8.4 }] as const;
const messages: OpenAI.ChatCompletionMessageParam[] = [
  { role: "system", content: "You are a careful agent." },
  { role: "user", content: "What is the weather in Paris?" },
];
const tools: OpenAI.ChatCompletionTool[] = [{
  type: "function",
  function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
}];

Deno.test("stream: each tier's model streams text and tool calls to the OpenAI SDK", e2e, async (t) => {
  const stack = await startStack();
  try {
    const configured = await configuredModels(stack.sql);
    for (const tier of TIERS) {
      const model = configured[tier.name];
      const path = model.provider === "anthropic" ? "/v1/messages" : "/v1/chat/completions";

      await t.step(`${tier.name} (${model.model}, ${model.provider}): a text stream with include_usage, as its twin answers`, async () => {
        const { userId, agentId } = await createUserWithAgent(stack.sql, { score: tier.score, executions: 40, successRate: 97 });
        const client = await routerClient(stack, userId, agentId);
        const twin = await client.chat.completions.create({ model: "auto", messages });
        stack.sim.reset();
        const { data: stream, response } = await client.chat.completions
          .create({ model: "auto", messages, stream: true, stream_options: { include_usage: true } })
          .withResponse();
        equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
        equal(response.headers.get("x-routing-model"), model.model);
        equal(response.headers.get("x-routing-provider"), model.provider);
        equal(response.headers.get("x-routing-attempts"), "1");
        const chunks: OpenAI.ChatCompletionChunk[] = [];
        for await (const chunk of stream) chunks.push(chunk);

        ok(chunks.length > 3, "several chunks");
        ok(chunks.every((c) => c.object === "chat.completion.chunk" && c.model === model.model), "every chunk names the catalog model");
        equal(chunks.map((c) => c.choices[0]?.delta.content ?? "").join(""), twin.choices[0].message.content);
        equal(chunks.filter((c) => c.choices[0]?.finish_reason).map((c) => c.choices[0].finish_reason).join(), "stop");
        const usage = chunks.at(-1)!;
        deepStrictEqual(usage.choices, [], "the usage chunk comes last, without choices");
        deepStrictEqual(usage.usage, twin.usage, "the streamed usage equals the twin's");

        const seen = stack.sim.received();
        equal(seen.length, 1);
        equal(seen[0].path, path);
        equal(seen[0].model, model.wireId);
        equal((seen[0].body as { stream?: boolean }).stream, true);
        const [, streamed] = await recordedCalls(stack.sql, agentId, 2);
        equal(streamed.status, "succeeded");
        equal(streamed.model, model.model);
        equal(streamed.input_tokens + streamed.cached_tokens, twin.usage!.prompt_tokens - streamed.cache_write_tokens);
        equal(streamed.output_tokens, twin.usage!.completion_tokens);
      });

      await t.step(`${tier.name} (${model.model}): a tool-call stream without include_usage: no usage chunk, usage still recorded`, async () => {
        const { userId, agentId } = await createUserWithAgent(stack.sql, { score: tier.score, executions: 40, successRate: 97 });
        stack.sim.reset();
        const client = await routerClient(stack, userId, agentId);
        const runner = client.chat.completions.stream({ model: "auto", messages, tools });
        const chunks: OpenAI.ChatCompletionChunk[] = [];
        runner.on("chunk", (chunk) => chunks.push(chunk));
        const final = await runner.finalChatCompletion();

        const calls = final.choices[0].message.tool_calls ?? [];
        equal(calls.length, 1);
        const call = calls[0];
        ok(call.type === "function");
        equal(call.function.name, "get_weather");
        deepStrictEqual(JSON.parse(call.function.arguments), { city: "x" });
        ok(call.id.length > 0, "the tool call has an id");
        equal(final.choices[0].finish_reason, "tool_calls");
        ok(chunks.every((c) => c.usage === undefined && c.choices.length === 1), "no usage asked: no usage chunk, no usage field");
        const indexes = chunks.flatMap((c) => c.choices[0].delta.tool_calls ?? []).map((d) => d.index);
        ok(indexes.length > 1 && indexes.every((i) => i === 0), "the arguments came in fragments on index 0");
        deepStrictEqual((stack.sim.received()[0].body as { stream_options?: unknown }).stream_options ?? null,
          model.provider === "anthropic" ? null : { include_usage: true }, "usage is always asked of an OpenAI-compatible upstream");

        const [recorded] = await recordedCalls(stack.sql, agentId);
        equal(recorded.status, "succeeded");
        ok(recorded.input_tokens > 0 && recorded.output_tokens === 20, "the provider's tool-call tokens are recorded");
      });
    }

    await t.step("the raw body: chunks, then [DONE]; the routing headers were on the response", async () => {
      const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 5.2, executions: 40, successRate: 97 });
      const res = await rawStream(stack, userId, { agent_id: agentId, messages });
      equal(res.status, 200);
      equal(res.headers.get("x-routing-model"), configured.medium.model);
      ok(res.headers.get("x-routing-decision-id")?.match(/^[0-9a-f-]{36}$/));
      equal(res.events.at(-1)?.data, "[DONE]");
      ok(res.events.slice(0, -1).every((e) => JSON.parse(e.data).object === "chat.completion.chunk"));
    });
  } finally {
    await stack.close();
  }
});
