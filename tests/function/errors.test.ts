// Every error status of ROUTING-SPEC §8, each in OpenAI's error shape, and a bad or foreign
// request leaves nothing in the database.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { auditCounts, configuredModels, createUserWithAgent, e2e, post, startStack, userToken, outboxRecords } from "./harness.ts";

const messages = [{ role: "user", content: "hello" }];

function assertOpenAIError(body: Record<string, unknown>, param?: string | null) {
  const error = body.error as Record<string, unknown>;
  ok(error, `expected an error body, got ${JSON.stringify(body)}`);
  equal(typeof error.message, "string");
  equal(typeof error.type, "string");
  ok("param" in error && "code" in error, "param and code are always present");
  if (param !== undefined) equal(error.param, param);
}

Deno.test("route-completion error statuses", e2e, async (t) => {
  const stack = await startStack({ ROUTER_MAX_BODY_BYTES: "4096" });
  const owner = await createUserWithAgent(stack.sql, { score: 2.1, executions: 30, successRate: 99 });
  const stranger = await createUserWithAgent(stack.sql, { score: 2.1 });
  const ownerToken = await userToken(stack, owner.userId);
  try {
    await t.step("CORS preflight is answered", async () => {
      const res = await fetch(stack.endpoint, { method: "OPTIONS" });
      await res.body?.cancel();
      equal(res.status, 200);
      equal(res.headers.get("access-control-allow-origin"), "*");
      ok(res.headers.get("access-control-allow-headers")?.includes("authorization"));
    });

    await t.step("405 for a GET", async () => {
      const res = await fetch(stack.endpoint, { headers: { authorization: `Bearer ${ownerToken}` } });
      const body = await res.json();
      equal(res.status, 405);
      assertOpenAIError(body);
    });

    await t.step("401 without a token, with a bad token, and for the anon key alone", async () => {
      for (const token of [null, "not-a-jwt", stack.anonKey]) {
        const res = await post(stack.endpoint, token, { agent_id: owner.agentId, messages });
        equal(res.status, 401, `token ${token?.slice(0, 8)}`);
        assertOpenAIError(res.body);
      }
      const forged = await userToken({ ...stack, jwtSecret: "another-secret-that-is-long-enough-000" }, owner.userId);
      const res = await post(stack.endpoint, forged, { agent_id: owner.agentId, messages });
      equal(res.status, 401);
      deepStrictEqual(await auditCounts(stack.sql, owner.agentId), { decisions: 0, calls: 0, attempts: 0 });
    });

    const badRequests: Array<[string, unknown, string]> = [
      ["agent_id missing", { messages }, "agent_id"],
      ["agent_id not a uuid", { agent_id: "abc", messages }, "agent_id"],
      ["messages missing", { agent_id: "AGENT" }, "messages"],
      ["n = 2", { agent_id: "AGENT", messages, n: 2 }, "n"],
      ["execution_id too long", { agent_id: "AGENT", messages, execution_id: "x".repeat(201) }, "execution_id"],
      ["execution_id blank", { agent_id: "AGENT", messages, execution_id: "   " }, "execution_id"],
      ["unparsable tool arguments", {
        agent_id: "AGENT",
        messages: [...messages, { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{oops" } }] }],
      }, "messages[1].tool_calls[0].function.arguments"],
    ];
    for (const [name, body, param] of badRequests) {
      await t.step(`400 naming the field when ${name}, and nothing written`, async () => {
        const json = JSON.stringify(body).replace("AGENT", owner.agentId);
        const res = await post(stack.endpoint, ownerToken, json);
        equal(res.status, 400, JSON.stringify(res.body));
        assertOpenAIError(res.body, param);
        deepStrictEqual(await auditCounts(stack.sql, owner.agentId), { decisions: 0, calls: 0, attempts: 0 });
      });
    }

    await t.step("400 for a body that is not JSON", async () => {
      const res = await post(stack.endpoint, ownerToken, "{not json");
      equal(res.status, 400);
      assertOpenAIError(res.body, "body");
    });

    await t.step("413 above the body limit", async () => {
      const res = await post(stack.endpoint, ownerToken, { agent_id: owner.agentId, messages: [{ role: "user", content: "x".repeat(5000) }] });
      equal(res.status, 413);
      assertOpenAIError(res.body);
    });

    await t.step("404 for a stranger's agent, with nothing written", async () => {
      const strangerToken = await userToken(stack, stranger.userId);
      const res = await post(stack.endpoint, strangerToken, { agent_id: owner.agentId, messages });
      equal(res.status, 404);
      assertOpenAIError(res.body);
      const unknown = await post(stack.endpoint, strangerToken, { agent_id: crypto.randomUUID(), messages });
      equal(unknown.status, 404);
      const messageOf = (body: Record<string, unknown>) => String((body.error as Record<string, unknown>).message).replace(/[0-9a-f-]{36}/, "ID");
      equal(messageOf(unknown.body), messageOf(res.body),
        "a foreign agent and a missing one look the same");
      deepStrictEqual(await auditCounts(stack.sql, owner.agentId), { decisions: 0, calls: 0, attempts: 0 });
    });

    await t.step("the service role may route any agent", async () => {
      stack.sim.reset();
      const res = await post(stack.endpoint, stack.serviceKey, { agent_id: stranger.agentId, messages });
      equal(res.status, 200, JSON.stringify(res.body));
    });

    await t.step("a provider's 400 goes back to the caller at once, in its own words with OpenAI's code and param", async () => {
      stack.sim.reset();
      stack.sim.script({ provider: "openai", error: "bad_request" });
      const res = await post(stack.endpoint, ownerToken, { agent_id: owner.agentId, messages });
      equal(res.status, 400);
      deepStrictEqual(res.body, {
        error: {
          message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens. " +
            "Please reduce the length of the messages.",
          type: "invalid_request_error", param: "messages", code: "context_length_exceeded",
        },
      });
      equal(stack.sim.received().length, 1);
    });

    await t.step("Anthropic's 400 goes back with its message, OpenAI's invalid_request_error type, no code or param", async () => {
      const medium = await createUserWithAgent(stack.sql, { score: 5.2, executions: 30, successRate: 99 });
      stack.sim.reset();
      stack.sim.script({ provider: "anthropic", error: "bad_request" });
      const res = await post(stack.endpoint, await userToken(stack, medium.userId), { agent_id: medium.agentId, messages });
      equal(res.status, 400);
      deepStrictEqual(res.body, {
        error: { message: "prompt is too long: 210000 tokens > 200000 maximum", type: "invalid_request_error", param: null, code: null },
      });
      equal(stack.sim.received().length, 1);
    });

    await t.step("502 with the attempts when every attempt fails", async () => {
      stack.sim.reset();
      stack.sim.script({ error: "server_error", times: "always" });
      const res = await post(stack.endpoint, ownerToken, { agent_id: owner.agentId, messages });
      equal(res.status, 502);
      assertOpenAIError(res.body);
      const attempts = (res.body.error as Record<string, unknown>).attempts as Record<string, unknown>[];
      const low = (await configuredModels(stack.sql)).low.model;
      const [{ fallback_chain: chain }] = await stack.sql`select fallback_chain from routing.decisions
                                                          where id = ${String(res.headers.get("x-routing-decision-id"))}`;
      const next = (chain as string[])[0];
      deepStrictEqual(attempts.map((a) => a.model), [low, low, low, next, next, next]);
      const [call] = await stack.sql`select status, attempt_count from routing.calls where agent_id = ${owner.agentId} order by created_at desc limit 1`;
      deepStrictEqual({ ...call }, { status: "failed", attempt_count: 6 });
      await stack.sql`update routing.provider_breakers set state = 'closed', consecutive_failures = 0, opened_at = null, trial_started_at = null`;
    });
  } finally {
    await stack.close();
  }
});

Deno.test("503 when the database is unreachable", e2e, async () => {
  const stack = await startStack({ SUPABASE_DB_URL: "postgresql://postgres:postgres@127.0.0.1:9/postgres" });
  try {
    const res = await post(stack.endpoint, stack.serviceKey, { agent_id: crypto.randomUUID(), messages });
    equal(res.status, 503);
    assertOpenAIError(res.body);
  } finally {
    await stack.close();
  }
});

Deno.test("with ROUTER_FAIL_OPEN=true an unreachable database sends the call to the baseline model; its record waits in the outbox", e2e, async () => {
  const outbox = await Deno.makeTempDir({ prefix: "router-outbox-" });
  const stack = await startStack({
    SUPABASE_DB_URL: "postgresql://postgres:postgres@127.0.0.1:9/postgres", ROUTER_FAIL_OPEN: "true", ROUTER_OUTBOX_DIR: outbox,
  });
  try {
    const agentId = crypto.randomUUID();
    const res = await post(stack.endpoint, stack.serviceKey, { agent_id: agentId, messages }, {}, { awaitRecord: false });
    equal(res.status, 200, JSON.stringify(res.body));
    equal(res.body.model, (await configuredModels(stack.sql)).baseline.model, "fail-open goes to the seeded baseline");
    const routing = res.body.routing as Record<string, unknown>;
    equal(routing.reason, "fail_open");
    equal(routing.decision_id, null);
    equal(stack.sim.received()[0].path, "/v1/chat/completions");
    // Written before the answer left: the decision it stands for and the call, under the answer's key.
    const [saved, ...more] = outboxRecords(outbox);
    equal(more.length, 0, "one record waits");
    ok(saved.decisionId === null, "a fail-open record carries its decision");
    deepStrictEqual([saved.failOpen.agent_id, saved.failOpen.model, saved.call.call_key], [agentId, res.body.model, routing.call_key]);
  } finally {
    await stack.close();
    await Deno.remove(outbox, { recursive: true });
  }
});

Deno.test("a missing provider key is a 502 naming the variable, and the key is never echoed", e2e, async () => {
  const stack = await startStack({ OPENAI_API_KEY: "" });
  try {
    const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 2.1, executions: 30, successRate: 99 });
    const res = await post(stack.endpoint, await userToken(stack, userId), { agent_id: agentId, messages });
    equal(res.status, 502);
    assertOpenAIError(res.body);
    ok(String((res.body.error as Record<string, unknown>).message).includes("OPENAI_API_KEY"), JSON.stringify(res.body));
    equal(stack.sim.received().length, 0, "no request reached the provider");
  } finally {
    await stack.close();
  }
});
