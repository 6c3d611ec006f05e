// A stream's faults through the real function: before the first byte the same retries and fallback
// as a whole answer; after it, OpenAI's streaming error event, which the unmodified SDK raises as an
// APIError; a stall (no event for ROUTER_STREAM_STALL_MS) is a failed attempt of type timeout; a
// client that disconnects aborts the upstream request, and the partial call is recorded.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import OpenAI from "openai";
import { configuredModels, createUserWithAgent, e2e, resetBreakers, startStack } from "./harness.ts";
import { recordedAttempts, recordedCalls, routerClient } from "./stream-support.ts";

const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Tell me a long story." }];
const MEDIUM = { score: 5.2, executions: 30, successRate: 97 };
const LOW = { score: 2.1, executions: 30, successRate: 97 };
const STALL_MS = 300;

/** Reads the stream to its end; the error it raised, or null. */
async function readAll(stream: AsyncIterable<OpenAI.ChatCompletionChunk>): Promise<{ text: string; error: unknown }> {
  let text = "";
  try {
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    return { text, error: null };
  } catch (error) {
    return { text, error };
  }
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  const until = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > until) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test("stream faults: retried before the first byte, an error event after it, stalls, client aborts", e2e, async (t) => {
  const stack = await startStack({ ROUTER_STREAM_STALL_MS: String(STALL_MS) });
  try {
    const configured = await configuredModels(stack.sql);
    const medium = configured.medium.model;
    const start = async (spec: typeof MEDIUM) => {
      await resetBreakers(stack.sql);
      stack.sim.reset();
      const { userId, agentId } = await createUserWithAgent(stack.sql, spec);
      return { agentId, client: await routerClient(stack, userId, agentId) };
    };

    await t.step(`a 529 before the first byte is retried on ${medium}, then the stream answers`, async () => {
      const { agentId, client } = await start(MEDIUM);
      stack.sim.script({ provider: "anthropic", error: "overloaded" });
      const { data, response } = await client.chat.completions.create({ model: "auto", messages, stream: true }).withResponse();
      const read = await readAll(data);
      equal(read.error, null);
      ok(read.text.length > 0);
      equal(response.headers.get("x-routing-attempts"), "2");
      equal(response.headers.get("x-routing-model"), medium);
      const [call] = await recordedCalls(stack.sql, agentId);
      deepStrictEqual([call.status, call.attempt_count], ["succeeded", 2]);
      deepStrictEqual((await recordedAttempts(stack.sql, agentId)).map((a) => [a.model, a.http_status, a.error_type]), [
        [medium, 529, "overloaded"],
        [medium, 200, null],
      ]);
    });

    await t.step("an Anthropic error event after the first byte: the SDK raises an APIError; the call is recorded failed", async () => {
      const { agentId, client } = await start(MEDIUM);
      stack.sim.script({ provider: "anthropic", errorAfterEvents: 5, streamError: "overloaded" });
      const read = await readAll(await client.chat.completions.create({ model: "auto", messages, stream: true }));
      ok(read.error instanceof OpenAI.APIError, String(read.error));
      deepStrictEqual([read.error.type, read.error.code, read.error.message], [
        "api_error", "overloaded", "The provider failed during the stream: Overloaded",
      ]);
      ok(read.text.length > 0, "the text before the error arrived");
      equal(stack.sim.received().length, 1, "no retry after the first byte");
      const [call] = await recordedCalls(stack.sql, agentId);
      equal(call.status, "failed");
      ok(call.input_tokens > 0, "the input tokens the provider counted are recorded");
      ok(call.warnings.some((w) => w.includes("stream cut: the provider failed after the first byte (overloaded)")), call.warnings.join());
      deepStrictEqual((await recordedAttempts(stack.sql, agentId)).map((a) => [a.http_status, a.error_type]), [[529, "overloaded"]]);
    });

    await t.step(`an OpenAI error event after the first byte (${configured.low.model}): the SDK raises an APIError`, async () => {
      const { agentId, client } = await start(LOW);
      stack.sim.script({ provider: "openai", errorAfterEvents: 3, streamError: "server_error" });
      const read = await readAll(await client.chat.completions.create({ model: "auto", messages, stream: true }));
      ok(read.error instanceof OpenAI.APIError, String(read.error));
      deepStrictEqual([read.error.type, read.error.code], ["api_error", "server_error"]);
      const [call] = await recordedCalls(stack.sql, agentId);
      deepStrictEqual([call.status, call.model], ["failed", configured.low.model]);
      deepStrictEqual((await recordedAttempts(stack.sql, agentId)).map((a) => [a.http_status, a.error_type]), [[500, "server_error"]]);
    });

    await t.step(`a stall before the first byte is a failed attempt (timeout) after ${STALL_MS} ms, then the next model`, async () => {
      const { agentId, client } = await start(MEDIUM);
      stack.sim.script({ provider: "anthropic", stallAfterEvents: 0 });
      const read = await readAll(await client.chat.completions.create({ model: "auto", messages, stream: true }));
      equal(read.error, null);
      ok(read.text.length > 0);
      const [call] = await recordedCalls(stack.sql, agentId);
      deepStrictEqual([call.status, call.attempt_count], ["succeeded", 2]);
      deepStrictEqual((await recordedAttempts(stack.sql, agentId)).map((a) => [a.http_status, a.error_type]), [[null, "timeout"], [200, null]]);
      await eventually(() => stack.sim.received()[0].clientAborted, "the stalled upstream request was aborted");
    });

    await t.step("a stall after the first byte ends the stream with a timeout error event, recorded as a timeout", async () => {
      const { agentId, client } = await start(MEDIUM);
      stack.sim.script({ provider: "anthropic", stallAfterEvents: 5 });
      const started = Date.now();
      const read = await readAll(await client.chat.completions.create({ model: "auto", messages, stream: true }));
      ok(read.error instanceof OpenAI.APIError, String(read.error));
      equal(read.error.code, "timeout");
      ok(Date.now() - started >= STALL_MS, "it waited for the stall time");
      const [call] = await recordedCalls(stack.sql, agentId);
      equal(call.status, "failed");
      deepStrictEqual((await recordedAttempts(stack.sql, agentId)).map((a) => [a.http_status, a.error_type]), [[null, "timeout"]]);
      await eventually(() => stack.sim.abortedCount({ provider: "anthropic" }) === 1, "the stalled upstream request was aborted");
    });

    for (const [provider, spec, model] of [["anthropic", MEDIUM, medium], ["openai", LOW, configured.low.model]] as const) {
      await t.step(`a client abort (${model}) aborts the upstream request; the partial call is recorded`, async () => {
        const { agentId, client } = await start(spec);
        stack.sim.script({ provider, streamIntervalMs: 50, text: "one two three four five six seven eight nine ten eleven twelve" });
        const controller = new AbortController();
        let chunks = 0;
        const stream = await client.chat.completions.create({ model: "auto", messages, stream: true }, { signal: controller.signal });
        const read = await (async () => {
          try {
            for await (const _ of stream) if (++chunks === 3) controller.abort();
            return undefined;
          } catch (error) {
            return error;
          }
        })();
        ok(read === undefined || read instanceof OpenAI.APIUserAbortError, String(read));
        await eventually(() => stack.sim.abortedCount({ provider }) === 1, "the simulator saw the client abort");
        equal(stack.sim.received()[0].outcome, "aborted");
        const [call] = await recordedCalls(stack.sql, agentId);
        deepStrictEqual([call.status, call.model], ["failed", model]);
        // Anthropic counts the input in message_start; OpenAI reports usage only in its last chunk,
        // which a cut stream never gets: nothing is estimated in its place.
        equal(call.input_tokens > 0, provider === "anthropic", "the input the provider counted so far is recorded");
        ok(call.warnings.includes("stream cut: the client disconnected; tokens are the provider's counts until then"), call.warnings.join());
        deepStrictEqual((await recordedAttempts(stack.sql, agentId)).map((a) => [a.http_status, a.error_type]), [[200, null]]);
      });
    }
  } finally {
    await stack.close();
  }
});
