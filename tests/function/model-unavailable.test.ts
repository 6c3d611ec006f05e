// A configured model the provider no longer serves (issue 8, item 4): its 404 costs one attempt,
// no retry, and the chain answers; record_completion marks the model unavailable (audited, with
// an alert), so the next call's decision avoids it and no attempt is spent on it again.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { createUserWithAgent, e2e, post, startStack, userToken } from "./harness.ts";

const messages = [{ role: "user", content: "hello" }];
// A catalog entry whose wire id Anthropic no longer serves (Claude 3 Haiku retired on 2026-04-19).
const GONE = { model: "claude-gone-test", wireId: "claude-3-haiku-20240307" };

Deno.test("a configured model that answers 404 costs one attempt, then none", e2e, async (t) => {
  const stack = await startStack();
  await stack.sql`insert into routing.models (model, provider, wire_id, max_output_tokens, supports_tools, supports_prefill, sampling, description)
                  values (${GONE.model}, 'anthropic', ${GONE.wireId}, 4096, true, true, 'any', 'test only: no longer served')
                  on conflict (model) do update set active = true`;
  await stack.sql`insert into routing.model_prices (model, effective_from, input_per_mtok, output_per_mtok, cached_input_per_mtok, cache_write_per_mtok)
                  values (${GONE.model}, '2024-01-01', 0.25, 1.25, 0.03, 0.30) on conflict (model, effective_from) do nothing`;
  try {
    const fallback = (await stack.sql`select fallback_chains -> '*' ->> 0 as model from routing.config`)[0].model as string;
    const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 5.2, executions: 30, successRate: 97, preference: GONE.model });
    const token = await userToken(stack, userId);

    await t.step("the 404 is one attempt, classified model_unavailable, and the chain answers at once", async () => {
      const res = await post(stack.endpoint, token, { agent_id: agentId, messages });
      equal(res.status, 200, JSON.stringify(res.body));
      const routing = res.body.routing as Record<string, unknown>;
      deepStrictEqual([routing.decided_model, routing.model, routing.fallback_used, routing.attempts], [GONE.model, fallback, true, 2]);
      const attempts = await stack.sql`select a.model, a.http_status, a.error_type from routing.attempts a
                                       join routing.calls c on c.id = a.call_id where c.decision_id = ${String(routing.decision_id)}
                                       order by a.seq`;
      deepStrictEqual(attempts.map((a) => [a.model, a.http_status, a.error_type]), [[GONE.model, 404, "model_unavailable"], [fallback, 200, null]]);
      deepStrictEqual(stack.sim.received({ provider: "anthropic" }).map((r) => (r.body as Record<string, unknown>).model), [GONE.wireId]);
    });

    await t.step("the model is marked unavailable, audited, and the model_unavailable alert fires", async () => {
      const [model] = await stack.sql`select unavailable_since is not null as marked, unavailable_reason from routing.models where model = ${GONE.model}`;
      deepStrictEqual({ ...model }, { marked: true, unavailable_reason: `anthropic answered 404 for wire id ${GONE.wireId}: the model is not served` });
      const events = await stack.sql`select event, actor from routing.model_events where model = ${GONE.model}
                                     and (detail ->> 'call_id')::uuid in (select id from routing.calls where agent_id = ${agentId})`;
      deepStrictEqual(events.map((e) => [e.event, e.actor]), [["marked_unavailable", "record_completion"]]);
      const [alert] = await stack.sql`select state from routing.alert_states where alert = 'model_unavailable'`;
      equal(alert.state, "firing");
    });

    await t.step("the next call's decision avoids it: no attempt is spent on it", async () => {
      stack.sim.reset();
      const res = await post(stack.endpoint, token, { agent_id: agentId, messages });
      equal(res.status, 200, JSON.stringify(res.body));
      const routing = res.body.routing as Record<string, unknown>;
      ok(routing.decided_model !== GONE.model, `decided ${routing.decided_model}`);
      equal(routing.attempts, 1);
      deepStrictEqual(stack.sim.received().map((r) => (r.body as Record<string, unknown>).model).includes(GONE.wireId), false);
      const [decision] = await stack.sql`select adjustments from routing.decisions where id = ${String(routing.decision_id)}`;
      ok(JSON.stringify(decision.adjustments).includes(GONE.model), `the adjustment names the model: ${JSON.stringify(decision.adjustments)}`);
    });

    await t.step("an operator's clear_model_unavailable resolves the alert and puts the model back", async () => {
      await stack.sql`select public.clear_model_unavailable(${GONE.model}, 'test over: the model row is retired next')`;
      const [model] = await stack.sql`select unavailable_since from routing.models where model = ${GONE.model}`;
      const [alert] = await stack.sql`select state from routing.alert_states where alert = 'model_unavailable'`;
      deepStrictEqual([model.unavailable_since, alert.state], [null, "ok"]);
    });
  } finally {
    // Whatever happened above: no test model left marked (the alert is global), and out of the catalog.
    await stack.sql`select public.clear_model_unavailable(model, 'test cleanup') from routing.models
                    where model = ${GONE.model} and unavailable_since is not null`;
    await stack.sql`update routing.models set active = false where model = ${GONE.model}`;
    await stack.close();
  }
});
