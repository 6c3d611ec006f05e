// What a stream records, through the real function and database: the same tokens and cost as its
// non-streamed twin (same simulator answer), cache reads and writes priced at their own prices, and
// the record written after the last byte (the isolate kept alive for it) without delaying the stream.
import { deepStrictEqual, equal } from "node:assert/strict";
import type OpenAI from "openai";
import { configuredModels, createUserWithAgent, e2e, type Sql, startStack } from "./harness.ts";
import { recordedAttempts, recordedCalls, routerClient } from "./stream-support.ts";

const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Use the cached context." }];

/** The cost of these tokens on `model` at today's price (trailing zeros trimmed), as cached-usage.test.ts computes it. */
async function priced(sql: Sql, model: string, t: { input: number; output: number; cached: number; cacheWrite: number }): Promise<string> {
  const [row] = await sql`
    select trim_scale((${t.input}::numeric * p.input_per_mtok + ${t.output}::numeric * p.output_per_mtok
                     + ${t.cached}::numeric * p.cached_input_per_mtok + ${t.cacheWrite}::numeric * p.cache_write_per_mtok)
                     / 1000000)::text as cost
    from routing.price_in_force(${model}, now()) p`;
  return row.cost;
}

async function drain(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<OpenAI.ChatCompletionChunk[]> {
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

Deno.test("stream records: tokens and cost as the non-streamed twin, cached tokens priced apart", e2e, async (t) => {
  const stack = await startStack();
  try {
    const configured = await configuredModels(stack.sql);
    const medium = configured.medium;

    await t.step(`the Anthropic tier (${medium.model}): a stream records the same call as its twin`, async () => {
      const usage = { inputTokens: 120, outputTokens: 45, cachedTokens: 800, cacheCreationTokens: 150 };
      stack.sim.script({ provider: "anthropic", text: "The cached answer, in words.", usage, times: 2 });
      const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 5.2, executions: 30, successRate: 97 });
      const client = await routerClient(stack, userId, agentId);
      const twin = await client.chat.completions.create({ model: "auto", messages });
      const chunks = await drain(await client.chat.completions.create({ model: "auto", messages, stream: true }));
      equal(chunks.map((c) => c.choices[0]?.delta.content ?? "").join(""), twin.choices[0].message.content);

      const [whole, streamed] = await recordedCalls(stack.sql, agentId, 2);
      deepStrictEqual(streamed, whole, "the streamed call's row equals the twin's: status, model, tokens, cost, warnings");
      deepStrictEqual(
        { input: streamed.input_tokens, output: streamed.output_tokens, cached: streamed.cached_tokens, cacheWrite: streamed.cache_write_tokens },
        { input: 120, output: 45, cached: 800, cacheWrite: 150 },
        "the provider's counts, not an estimate",
      );
      equal(streamed.cost_usd, await priced(stack.sql, medium.model, { input: 120, output: 45, cached: 800, cacheWrite: 150 }));
      const attempts = await recordedAttempts(stack.sql, agentId);
      deepStrictEqual(attempts[1], { ...attempts[0] }, "one attempt each, alike");
    });

    await t.step(`Anthropic cache reads and writes in a stream with include_usage: OpenAI's usage shape, each priced at its price`, async () => {
      stack.sim.script({ provider: "anthropic", usage: { inputTokens: 100, outputTokens: 50, cachedTokens: 1000, cacheCreationTokens: 200 } });
      const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 5.2, executions: 30, successRate: 97 });
      const client = await routerClient(stack, userId, agentId);
      const chunks = await drain(
        await client.chat.completions.create({ model: "auto", messages, stream: true, stream_options: { include_usage: true } }),
      );
      deepStrictEqual(chunks.at(-1)?.usage, {
        prompt_tokens: 1300, completion_tokens: 50, total_tokens: 1350, prompt_tokens_details: { cached_tokens: 1000 },
      });
      const [call] = await recordedCalls(stack.sql, agentId);
      deepStrictEqual([call.input_tokens, call.cached_tokens, call.cache_write_tokens, call.output_tokens], [100, 1000, 200, 50]);
      equal(call.cost_usd, await priced(stack.sql, medium.model, { input: 100, output: 50, cached: 1000, cacheWrite: 200 }));
    });

    await t.step(`OpenAI cached prompt tokens in a stream (${configured.low.model}): cached apart from prompt_tokens`, async () => {
      stack.sim.script({ provider: "openai", usage: { inputTokens: 1500, outputTokens: 100, cachedTokens: 1000 } });
      const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 2.1, executions: 30, successRate: 97 });
      const client = await routerClient(stack, userId, agentId);
      const chunks = await drain(await client.chat.completions.create({ model: "auto", messages, stream: true }));
      equal(chunks.some((c) => c.usage), false, "the caller did not ask for usage");
      const [call] = await recordedCalls(stack.sql, agentId);
      equal(call.model, configured.low.model);
      deepStrictEqual([call.input_tokens, call.cached_tokens, call.output_tokens], [500, 1000, 100]);
      equal(call.cost_usd, await priced(stack.sql, configured.low.model, { input: 500, output: 100, cached: 1000, cacheWrite: 0 }));
    });
  } finally {
    await stack.close();
  }
});

Deno.test("stream records: a recording failure is logged and does not break the stream already sent", e2e, async () => {
  // The call is made unrecordable while its stream is still open: its decision row is deleted, so
  // record_completion raises (decision not found) after the last byte.
  const stack = await startStack();
  try {
    stack.sim.script({ provider: "anthropic", streamIntervalMs: 30 });
    const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 5.2, executions: 30, successRate: 97 });
    const client = await routerClient(stack, userId, agentId);
    const { data: stream, response } = await client.chat.completions.create({ model: "auto", messages, stream: true }).withResponse();
    const decisionId = response.headers.get("x-routing-decision-id")!;
    await stack.sql`delete from routing.decisions where id = ${decisionId}`;
    const chunks = await drain(stream);
    equal(chunks.at(-1)?.choices[0].finish_reason, "stop", "the stream ended normally");
    const until = Date.now() + 5_000;
    while (!stack.logs().includes("record_completion_failed") && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    equal(stack.logs().includes("record_completion_failed"), true, "the failure was logged");
    deepStrictEqual(await recordedCalls(stack.sql, agentId, 1, 200), []);
  } finally {
    await stack.close();
  }
});
