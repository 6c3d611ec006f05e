// A database outage mid-run (issue 11): a function server of its own reaches Postgres through a
// TCP proxy (db-proxy.ts) that the test cuts and brings back, so the other tests sharing the
// cluster see nothing. With ROUTER_FAIL_OPEN=true answers keep coming on the baseline model during
// the outage, and once the database is back every answered call is recorded exactly once (the
// fail-open ones with their fail_open decisions, drained from the outbox). Without it, 503 during
// the outage. Either way the same server process answers routed calls again once the database is
// back: its pool reconnects, no restart.
import { deepStrictEqual, equal } from "node:assert/strict";
import { startDbProxy } from "./db-proxy.ts";
import { configuredModels, createUserWithAgent, databaseUrl, e2e, post, recordedCall, type Stack, startStack, userToken } from "./harness.ts";

const messages = [{ role: "user", content: "Keep answering." }];

interface Answer {
  status: number;
  reason: string | null;
  model: unknown;
  callKey: string | null;
  code: unknown;
}

async function ask(stack: Stack, token: string, agentId: string, awaitRecord: boolean): Promise<Answer> {
  const res = await post(stack.endpoint, token, { agent_id: agentId, messages }, {}, { awaitRecord });
  const routing = res.body.routing as Record<string, unknown> | undefined;
  return {
    status: res.status,
    reason: (routing?.reason as string | undefined) ?? null,
    model: res.body.model,
    callKey: (routing?.call_key as string | undefined) ?? null,
    code: (res.body.error as Record<string, unknown> | undefined)?.code,
  };
}

/** The rows each key has in routing.calls, with the reason and cohort of its decision. */
async function storedOnce(stack: Stack, keys: string[]) {
  const rows = await stack.sql`
    select c.call_key::text as key, count(*) over (partition by c.call_key)::int as n, d.reason, d.cohort, d.created_at
    from routing.calls c join routing.decisions d on d.id = c.decision_id
    where c.call_key = any(${keys}::uuid[])`;
  return new Map(rows.map((r) => [r.key as string, { n: r.n as number, reason: r.reason as string, cohort: r.cohort as string, at: r.created_at as Date }]));
}

Deno.test("a database outage with fail-open: answers on the baseline model throughout, every call recorded once afterwards", e2e, async () => {
  const proxy = startDbProxy(await databaseUrl());
  const stack = await startStack({ SUPABASE_DB_URL: proxy.url, ROUTER_FAIL_OPEN: "true", ROUTER_OUTBOX_DRAIN_MS: "200" });
  try {
    const baseline = (await configuredModels(stack.sql)).baseline.model;
    const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 2.1, executions: 30, successRate: 99 });
    const token = await userToken(stack, userId);

    const before: Answer[] = [];
    for (let i = 0; i < 3; i++) before.push(await ask(stack, token, agentId, true));
    proxy.cut();
    const cutAt = new Date();
    const during: Answer[] = [];
    for (let i = 0; i < 4; i++) during.push(await ask(stack, token, agentId, false));
    proxy.restore();
    const restoredAt = new Date();
    const after: Answer[] = [];
    for (let i = 0; i < 3; i++) after.push(await ask(stack, token, agentId, true));

    deepStrictEqual(before.map((a) => [a.status, a.reason]), Array(3).fill([200, "tier"]), "routed before the outage");
    deepStrictEqual(during.map((a) => [a.status, a.reason, a.model]), Array(4).fill([200, "fail_open", baseline]),
      "answered on the baseline model during the outage");
    deepStrictEqual(after.map((a) => [a.status, a.reason]), Array(3).fill([200, "tier"]), "routed again by the same process once it is back");

    // The fail-open records wait in the outbox and are drained (timer or next call) once the database is back.
    const keys = [...before, ...during, ...after].map((a) => a.callKey!);
    for (const key of keys) await recordedCall(stack.sql, key);
    // One more drain cycle: nothing is stored twice.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const stored = await storedOnce(stack, keys);
    deepStrictEqual(keys.map((k) => stored.get(k)?.n), Array(10).fill(1), "every answered call is stored exactly once");
    deepStrictEqual(during.map((a) => [stored.get(a.callKey!)?.reason, stored.get(a.callKey!)?.cohort]), Array(4).fill(["fail_open", "fail_open"]));
    for (const a of during) {
      const at = stored.get(a.callKey!)!.at.getTime();
      equal(at >= cutAt.getTime() - 1000 && at <= restoredAt.getTime() + 1000, true, `the fail-open decision is dated during the outage (${new Date(at).toISOString()})`);
    }
    const [counts] = await stack.sql`
      select (select count(*) from routing.decisions where agent_id = ${agentId})::int as decisions,
             (select count(*) from routing.calls where agent_id = ${agentId})::int as calls`;
    deepStrictEqual({ ...counts }, { decisions: 10, calls: 10 }, "one decision and one call per answer, nothing more");
    equal(stack.sim.received().length, 10, "the provider answered each call once");
  } finally {
    proxy.close();
    await stack.close();
  }
});

Deno.test("a database outage without fail-open: 503 during it, routed again after it with no restart, nothing lost", e2e, async () => {
  const proxy = startDbProxy(await databaseUrl());
  const stack = await startStack({ SUPABASE_DB_URL: proxy.url });
  try {
    const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 2.1, executions: 30, successRate: 99 });
    const token = await userToken(stack, userId);

    const before = await ask(stack, token, agentId, true);
    proxy.cut();
    const during: Answer[] = [];
    for (let i = 0; i < 3; i++) during.push(await ask(stack, token, agentId, false));
    proxy.restore();
    const after = await ask(stack, token, agentId, true);

    deepStrictEqual([before.status, before.reason], [200, "tier"]);
    deepStrictEqual(during.map((a) => [a.status, a.code, a.callKey]), Array(3).fill([503, "database_unavailable", null]),
      "refused while the database is away, before any provider call");
    deepStrictEqual([after.status, after.reason], [200, "tier"], "the same process routes again: its pool reconnected");
    equal(stack.sim.received().length, 2, "no provider call was made for a refused request");
    const stored = await storedOnce(stack, [before.callKey!, after.callKey!]);
    deepStrictEqual([stored.get(before.callKey!)?.n, stored.get(after.callKey!)?.n], [1, 1], "both answered calls are stored once");
  } finally {
    proxy.close();
    await stack.close();
  }
});
