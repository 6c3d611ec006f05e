// The unmodified `openai` npm client against the local function, configured as a team would:
// `baseURL: <SUPABASE_URL>/functions/v1/route-completion/v1`, the user's JWT or the service key as
// `apiKey`, the agent in `defaultHeaders`. Completions, parse() with a JSON schema, models.list()
// and retrieve(), the agent and execution read from headers or metadata, `model` as "auto", as an
// ignored or an honoured explicit choice (routing.config.allow_requested_model), and the router's
// older paths beside the new ones. The simulator plays both providers; Postgres is real.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import OpenAI from "openai";
import { auditCounts, configuredModels, createUserWithAgent, e2e, post, recordedCall, type Stack, startStack, userToken, fetchAwaitingRecords } from "./harness.ts";

type Json = Record<string, unknown>;

/** The client as the README shows it; the router retries and falls back itself, so the SDK does not. */
function client(stack: Stack, apiKey: string, headers: Record<string, string> = {}): OpenAI {
  return new OpenAI({ baseURL: `${stack.supabaseUrl}/functions/v1/route-completion/v1`, apiKey, defaultHeaders: headers, maxRetries: 0, fetch: fetchAwaitingRecords });
}

const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Summarise today's tickets." }];

/** The router's `routing` object, which the SDK hands back untouched beside OpenAI's fields. */
const routingOf = (completion: object) => (completion as { routing: Json }).routing;

Deno.test("the OpenAI SDK through the router's /v1 base URL", e2e, async (t) => {
  const stack = await startStack();
  try {
    const configured = await configuredModels(stack.sql);
    const low = await createUserWithAgent(stack.sql, { score: 2.1, executions: 40, successRate: 99 });
    const high = await createUserWithAgent(stack.sql, { score: 8.4, executions: 40, successRate: 99 });
    const lowToken = await userToken(stack, low.userId);
    const highToken = await userToken(stack, high.userId);

    await t.step("models.list() is the active catalog in OpenAI's list shape, for a user and for the service key", async () => {
      const rows = await stack.sql`select model, provider, floor(extract(epoch from created_at))::float8 as created
                                   from routing.models where active order by model`;
      const expected = rows.map((r) => ({ id: r.model, object: "model", created: r.created, owned_by: r.provider }));
      for (const key of [lowToken, stack.serviceKey]) {
        const page = await client(stack, key).models.list();
        deepStrictEqual(page.data, expected);
        const listed: string[] = [];
        for await (const model of client(stack, key).models.list()) listed.push(model.id);
        deepStrictEqual(listed, expected.map((m) => m.id));
      }
    });

    await t.step("models.retrieve() answers one active model, and NotFoundError model_not_found for another name", async () => {
      const [row] = await stack.sql`select provider from routing.models where model = ${configured.low.model}`;
      const model = await client(stack, lowToken).models.retrieve(configured.low.model);
      deepStrictEqual({ ...model, created: typeof model.created }, { id: configured.low.model, object: "model", created: "number", owned_by: row.provider });
      const refusal = await client(stack, lowToken).models.retrieve("gpt-9-imaginary").then(() => null, (e) => e);
      ok(refusal instanceof OpenAI.NotFoundError, String(refusal));
      deepStrictEqual([refusal.status, refusal.code, refusal.param, refusal.type], [404, "model_not_found", "model", "invalid_request_error"]);
    });

    await t.step(`chat.completions.create({ model: "auto" }) routes the x-agent-id agent (${configured.low.model}), headers and audit included`, async () => {
      stack.sim.reset();
      const { data, response } = await client(stack, lowToken, { "x-agent-id": low.agentId })
        .chat.completions.create({ model: "auto", messages }).withResponse();
      deepStrictEqual([data.object, data.model, data.choices.length, data.choices[0].message.role], ["chat.completion", configured.low.model, 1, "assistant"]);
      const routing = routingOf(data);
      deepStrictEqual([routing.reason, routing.cohort, routing.warnings], ["tier", "routed", []]);
      equal(response.headers.get("x-routing-model"), configured.low.model);
      equal(response.headers.get("x-routing-decision-id"), routing.decision_id);
      equal((stack.sim.received()[0].body as Json).model, configured.low.wireId);
      equal(response.headers.get("x-routing-call-key"), routing.call_key);
      await recordedCall(stack.sql, String(routing.call_key)); // stored after the answer
      deepStrictEqual(await auditCounts(stack.sql, low.agentId), { decisions: 1, calls: 1, attempts: 1 });
    });

    await t.step("the agent from metadata.agent_id and the execution from x-execution-id; the router's keys stay out of the provider's metadata", async () => {
      stack.sim.reset();
      const completion = await client(stack, highToken, { "x-execution-id": "sdk-run-1" }).chat.completions.create({
        model: "auto", messages, metadata: { agent_id: high.agentId, team: "support" }, store: true,
      });
      equal(completion.model, configured.high.model);
      const [decision] = await stack.sql`select execution_id, reason from routing.decisions where id = ${String(routingOf(completion).decision_id)}`;
      deepStrictEqual({ ...decision }, { execution_id: "sdk-run-1", reason: "tier" });
      const wire = stack.sim.received()[0].body as Json;
      if (configured.high.provider === "openai") deepStrictEqual(wire.metadata, { team: "support" });
    });

    await t.step("metadata.execution_id beats the x-execution-id header: one decision for the execution, replayed", async () => {
      const sdk = client(stack, highToken, { "x-agent-id": high.agentId, "x-execution-id": "sdk-run-ignored" });
      const first = await sdk.chat.completions.create({ model: "auto", messages, metadata: { execution_id: "sdk-run-2" } });
      const second = await sdk.chat.completions.create({ model: "auto", messages, metadata: { execution_id: "sdk-run-2" } });
      equal(routingOf(second).decision_id, routingOf(first).decision_id);
      const rows = await stack.sql`select execution_id from routing.decisions where agent_id = ${high.agentId} and execution_id like 'sdk-run-%' order by execution_id`;
      deepStrictEqual(rows.map((r) => r.execution_id), ["sdk-run-1", "sdk-run-2"]);
    });

    await t.step("a catalog model is ignored while explicit choice is off: the router decides, and the warning says so", async () => {
      stack.sim.reset();
      const completion = await client(stack, highToken, { "x-agent-id": high.agentId }).chat.completions.create({ model: configured.low.model, messages });
      equal(completion.model, configured.high.model);
      deepStrictEqual([routingOf(completion).reason, routingOf(completion).warnings],
        ["tier", [`requested model ${configured.low.model} ignored: routing.config.allow_requested_model is false`]]);
    });

    await t.step("with routing.config.allow_requested_model the catalog model answers, recorded with reason requested_model", async () => {
      await stack.sql`update routing.config set allow_requested_model = true where id`;
      try {
        stack.sim.reset();
        const completion = await client(stack, highToken, { "x-agent-id": high.agentId }).chat.completions.create({ model: configured.low.model, messages });
        equal(completion.model, configured.low.model);
        deepStrictEqual([routingOf(completion).reason, routingOf(completion).warnings], ["requested_model", []]);
        equal((stack.sim.received()[0].body as Json).model, configured.low.wireId);
        const [decision] = await stack.sql`select model, reason, cohort from routing.decisions where id = ${String(routingOf(completion).decision_id)}`;
        deepStrictEqual({ ...decision }, { model: configured.low.model, reason: "requested_model", cohort: "routed" });
        const auto = await client(stack, highToken, { "x-agent-id": high.agentId }).chat.completions.create({ model: "auto", messages });
        deepStrictEqual([auto.model, routingOf(auto).reason], [configured.high.model, "tier"]);
      } finally {
        await stack.sql`update routing.config set allow_requested_model = false where id`;
      }
    });

    await t.step("an unknown model is a NotFoundError model_not_found in OpenAI's shape, and nothing is written or sent", async () => {
      const fresh = await createUserWithAgent(stack.sql, { score: 2.1, executions: 40, successRate: 99 });
      stack.sim.reset();
      const refusal = await client(stack, await userToken(stack, fresh.userId), { "x-agent-id": fresh.agentId })
        .chat.completions.create({ model: "gpt-9-imaginary", messages }).then(() => null, (e) => e);
      ok(refusal instanceof OpenAI.NotFoundError, String(refusal));
      deepStrictEqual(refusal.error, {
        message: 'The model is not an active model of the router\'s catalog: send "auto" (the router decides) or a model of GET /v1/models.',
        type: "invalid_request_error", param: "model", code: "model_not_found",
      });
      deepStrictEqual(await auditCounts(stack.sql, fresh.agentId), { decisions: 0, calls: 0, attempts: 0 });
      equal(stack.sim.received().length, 0);
    });

    await t.step(`chat.completions.parse() with a JSON schema through the /v1 base URL (${configured.medium.model})`, async () => {
      const medium = await createUserWithAgent(stack.sql, { score: 5.2, executions: 40, successRate: 99 });
      stack.sim.reset();
      const completion = await client(stack, await userToken(stack, medium.userId), { "x-agent-id": medium.agentId }).chat.completions.parse({
        model: "auto",
        messages: [{ role: "user", content: "File a ticket for the outage." }],
        response_format: {
          type: "json_schema",
          json_schema: {
            name: "ticket",
            strict: true,
            schema: {
              type: "object", properties: { title: { type: "string" }, priority: { type: "integer" } }, required: ["title", "priority"],
              additionalProperties: false,
            },
          },
        },
      });
      deepStrictEqual([completion.model, completion.choices[0].message.parsed], [configured.medium.model, { title: "x", priority: 1 }]);
      equal(stack.sim.received()[0].path, configured.medium.provider === "anthropic" ? "/v1/messages" : "/v1/chat/completions");
    });

    await t.step("POST /v1/outcome through the SDK's own post(), and the router's older paths beside /v1", async () => {
      const sdk = client(stack, lowToken, { "x-agent-id": low.agentId, "x-execution-id": "sdk-run-3" });
      await sdk.chat.completions.create({ model: "auto", messages });
      const outcome = await sdk.post<Json>("/outcome", { body: { succeeded: true, tokens: 120, duration_ms: 900 } });
      deepStrictEqual([outcome.recorded, outcome.duplicate], [true, false]);
      const [execution] = await stack.sql`select succeeded, tokens from routing.executions where agent_id = ${low.agentId} and execution_id = 'sdk-run-3'`;
      deepStrictEqual({ ...execution }, { succeeded: true, tokens: 120 });

      const legacy = await post(stack.endpoint, lowToken, { agent_id: low.agentId, messages });
      deepStrictEqual([legacy.status, legacy.body.object, legacy.body.model], [200, "chat.completion", configured.low.model]);
      const legacyOutcome = await post(`${stack.endpoint}/outcome`, lowToken, { agent_id: low.agentId, execution_id: "sdk-run-4", succeeded: false });
      deepStrictEqual([legacyOutcome.status, legacyOutcome.body.recorded], [200, true]);
      const noV1 = await new OpenAI({ baseURL: `${stack.supabaseUrl}/functions/v1/route-completion`, apiKey: lowToken, maxRetries: 0, fetch: fetchAwaitingRecords })
        .models.list();
      ok(noV1.data.length > 0, "the base URL without /v1 works too");
    });
  } finally {
    await stack.close();
  }
});
