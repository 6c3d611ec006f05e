// The one-line change an agent runner makes: supabase.functions.invoke('route-completion', { body })
// with the real @supabase/supabase-js client, for completions and execution outcomes.
import { equal, ok } from "node:assert/strict";
import { createClient } from "@supabase/supabase-js";
import { configuredModels, createUserWithAgent, e2e, fetchAwaitingRecords, recordedCall, startStack, userToken } from "./harness.ts";

Deno.test("supabase.functions.invoke reaches route-completion unchanged", e2e, async () => {
  const stack = await startStack();
  try {
    const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 2.1, executions: 10, successRate: 100 });
    const token = await userToken(stack, userId);
    const supabase = createClient(stack.supabaseUrl, stack.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      global: { fetch: fetchAwaitingRecords, headers: { Authorization: `Bearer ${token}` } },
    });
    const executionId = `exec-${crypto.randomUUID()}`;
    const { data, error } = await supabase.functions.invoke("route-completion", {
      body: { agent_id: agentId, execution_id: executionId, messages: [{ role: "user", content: "hi" }] },
    });
    equal(error, null);
    const low = (await configuredModels(stack.sql)).low;
    equal(data.model, low.model);
    equal(data.routing.provider, low.provider);

    const outcome = await supabase.functions.invoke("route-completion/outcome", {
      body: { agent_id: agentId, execution_id: executionId, succeeded: true, tokens: 1200, duration_ms: 900 },
    });
    equal(outcome.error, null);
    equal(outcome.data.recorded, true);
    const [metrics] = await stack.sql`select total_executions from public.agent_intensity_metrics where agent_id = ${agentId}`;
    equal(metrics.total_executions, 11);
    const [execution] = await stack.sql`select decision_id from routing.executions where agent_id = ${agentId} and execution_id = ${executionId}`;
    equal(execution.decision_id, data.routing.decision_id, "the outcome is linked to the decision");

    const again = await supabase.functions.invoke("route-completion/outcome", {
      body: { agent_id: agentId, execution_id: executionId, succeeded: true },
    });
    equal(again.data.duplicate, true, "reporting the same execution twice changes nothing");

    const anonOnly = createClient(stack.supabaseUrl, stack.anonKey, { auth: { persistSession: false } });
    const refused = await anonOnly.functions.invoke("route-completion", { body: { agent_id: agentId, messages: [{ role: "user", content: "hi" }] } });
    ok(refused.error, "the anon key alone is refused");
    equal(refused.error.context?.status, 401);
  } finally {
    await stack.close();
  }
});

// The seed's agents (supabase/seed.sql), routed as their owner alice would from her app.
const ALICE = "00000000-0000-4000-a000-000000000001";
const SEEDED = [
  { agentId: "00000000-0000-4000-b000-000000000001", tier: "low" },
  { agentId: "00000000-0000-4000-b000-000000000003", tier: "medium" },
] as const;

Deno.test("seeded low and medium agents are answered by their tiers' models through invoke", e2e, async (t) => {
  const stack = await startStack();
  try {
    const configured = await configuredModels(stack.sql);
    const supabase = createClient(stack.supabaseUrl, stack.anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      global: { fetch: fetchAwaitingRecords, headers: { Authorization: `Bearer ${await userToken(stack, ALICE)}` } },
    });
    for (const { agentId, tier } of SEEDED) {
      const seeded = {
        agentId, model: configured[tier].model,
        path: configured[tier].provider === "anthropic" ? "/v1/messages" : "/v1/chat/completions",
      };
      await t.step(`seeded ${tier} agent ${seeded.agentId} -> ${seeded.model}`, async () => {
        stack.sim.reset();
        const executionId = `seeded-${crypto.randomUUID()}`;
        const { data, error } = await supabase.functions.invoke("route-completion", {
          body: { agent_id: seeded.agentId, execution_id: executionId, messages: [{ role: "user", content: "hi" }] },
        });
        equal(error, null);
        equal(data.model, seeded.model);
        equal(stack.sim.received()[0].path, seeded.path);
        await recordedCall(stack.sql, data.routing.call_key); // stored after the answer
        const [counts] = await stack.sql`
          select (select count(*) from routing.decisions where agent_id = ${seeded.agentId} and execution_id = ${executionId})::int as decisions,
                 (select count(*) from routing.calls where agent_id = ${seeded.agentId} and execution_id = ${executionId})::int as calls,
                 (select count(*) from routing.attempts a join routing.calls c on c.id = a.call_id
                   where c.agent_id = ${seeded.agentId} and c.execution_id = ${executionId})::int as attempts`;
        equal(JSON.stringify(counts), JSON.stringify({ decisions: 1, calls: 1, attempts: 1 }));
      });
    }
  } finally {
    await stack.close();
  }
});
