// callProvider against a real socket: a provider (a local server) that sends the response headers at
// once and then holds the body. The attempt's timeout must cover the body read, not only the headers.
import assert from "node:assert/strict";
import type { DecisionTarget } from "../routing/types.ts";
import { callProvider } from "./call-provider.ts";

const TARGET: DecisionTarget = {
  model: "gpt-5.6-luna", provider: "openai", provider_kind: "openai-compatible", wire_id: "gpt-5.6-luna",
  base_url: null, base_url_env: "TEST_OPENAI_BASE_URL", api_key_env: "TEST_OPENAI_API_KEY", context_window: 1_050_000,
  max_output_tokens: 128_000, supports_tools: true, supports_images: true, supports_pdf: true, supports_json_schema: true,
  supports_prefill: false, sampling: "none", reasoning_effort: "none_with_tools",
};
const COMPLETION = JSON.stringify({
  id: "chatcmpl-1", object: "chat.completion", created: 1, model: "gpt-5.6-luna",
  choices: [{ index: 0, message: { role: "assistant", content: "hi", refusal: null }, finish_reason: "stop", logprobs: null }],
  usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
});

/** A provider whose body arrives `bodyDelayMs` after its headers. */
async function withProvider(bodyDelayMs: number, run: (env: Map<string, string>) => Promise<void>) {
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const text = new TextEncoder().encode(COMPLETION);
        controller.enqueue(text.slice(0, 10));
        const timer = setTimeout(() => {
          timers.delete(timer);
          try {
            controller.enqueue(text.slice(10));
            controller.close();
          } catch { /* the client went away */ }
        }, bodyDelayMs);
        timers.add(timer);
      },
    });
    return new Response(body, { headers: { "content-type": "application/json" } });
  });
  const env = new Map([["TEST_OPENAI_BASE_URL", `http://127.0.0.1:${server.addr.port}/v1`], ["TEST_OPENAI_API_KEY", "test-key"]]);
  try {
    await run(env);
  } finally {
    for (const timer of timers) clearTimeout(timer);
    await server.shutdown();
  }
}

const wire = { kind: "openai-compatible" as const, body: { model: "gpt-5.6-luna", messages: [{ role: "user", content: "hi" }] } };

Deno.test("callProvider: a body held after the headers past the attempt's timeout is a timeout, not a late answer", () =>
  withProvider(3000, async (env) => {
    // Without the deadline on the body read the SDK waits for the body and this is a success.
    const outcome = await callProvider({ target: TARGET, wire, timeoutMs: 300, env });
    assert.deepEqual(outcome.ok ? "answered" : [outcome.failure.kind, outcome.failure.status], ["timeout", null]);
  }));

Deno.test("callProvider: a caller who disconnects while the body is held ends the attempt as aborted, not as a timeout", () =>
  withProvider(3000, async (env) => {
    const caller = new AbortController();
    setTimeout(() => caller.abort(), 100);
    const outcome = await callProvider({ target: TARGET, wire, timeoutMs: 2000, env, signal: caller.signal });
    assert.deepEqual(outcome.ok ? "answered" : [outcome.failure.kind, outcome.failure.status], ["aborted", null]);
  }));

Deno.test("callProvider: a caller already gone sends nothing", async () => {
  let requests = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    requests++;
    return new Response(COMPLETION, { headers: { "content-type": "application/json" } });
  });
  try {
    const env = new Map([["TEST_OPENAI_BASE_URL", `http://127.0.0.1:${server.addr.port}/v1`], ["TEST_OPENAI_API_KEY", "test-key"]]);
    const caller = new AbortController();
    caller.abort();
    const outcome = await callProvider({ target: TARGET, wire, timeoutMs: 2000, env, signal: caller.signal });
    assert.deepEqual([outcome.ok ? "answered" : outcome.failure.kind, requests], ["aborted", 0]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("callProvider: a body that arrives within the timeout is the answer", () =>
  withProvider(50, async (env) => {
    const outcome = await callProvider({ target: TARGET, wire, timeoutMs: 2000, env });
    assert.deepEqual(outcome.ok ? [outcome.value.choices[0].message.content, outcome.usage] : outcome.failure, [
      "hi", { input_tokens: 3, output_tokens: 1, cached_tokens: 0, cache_write_tokens: 0 },
    ]);
  }));
