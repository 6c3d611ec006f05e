// Issue 11 item 7, load and secrets: LOAD_CALLS calls (default 5,000) at LOAD_CONCURRENCY (default
// 50) through the real function, with a seeded 10% of upstream attempts failing (the simulator's
// `failureRate`: OpenAI 500s, Anthropic 529s). Every call is answered: a 200, or a 502 only where
// every attempt of the chain failed. The audit trail matches the simulator's own count (one decision
// and one call per request, one attempt per upstream request), its tokens are the simulator's, and
// its cost is those tokens at the catalog's prices, to the last digit. Recording may trail the
// answer, so the checks wait for the records to land (with a deadline). Then the secrets scan: the
// run used fake provider keys, secret key and JWT secret of its own, and none of them is in any row
// of any table of any non-system schema, in the function server's log, or in an error body.
// `npm run test:soak` runs it with 50,000 calls.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { signUserToken } from "../../scripts/local-keys.mjs";
import { prng } from "../simulator/prng.ts";
import { addAgent, e2e, nonSystemTables, type Sql, startStack, waitFor } from "./harness.ts";

const CALLS = Number(Deno.env.get("LOAD_CALLS") ?? "5000");
const CONCURRENCY = Number(Deno.env.get("LOAD_CONCURRENCY") ?? "50");
const FAILURE_RATE = 0.1;
const SEED = 20261202;
const TENANTS = 20;
/** Agents of each tenant, one per tier, so both providers carry the load. */
const SCORES = [2.1, 5.2, 8.5];

const secret = (prefix: string) => `${prefix}${crypto.randomUUID().replaceAll("-", "")}`;
const SECRETS = {
  OPENAI_API_KEY: secret("test-openai-key-load-"),
  ANTHROPIC_API_KEY: secret("test-anthropic-key-load-"),
  SUPABASE_JWT_SECRET: secret("jwt-secret-of-the-load-test-"),
  SECRET_KEY: secret("sb_secret_test-load-"),
};

/** The tables with a row whose text (the whole row cast to text) contains `needle`. */
async function tablesContaining(sql: Sql, tables: string[], needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const table of tables) {
    const [row] = await sql.unsafe(`select exists (select 1 from ${table} t where strpos(t::text, $1) > 0) as hit`, [needle]);
    if (row.hit) found.push(table);
  }
  return found;
}

Deno.test(`load: ${CALLS} calls at concurrency ${CONCURRENCY} with ${FAILURE_RATE * 100}% of upstream attempts failing`, e2e, async (t) => {
  const stack = await startStack({
    OPENAI_API_KEY: SECRETS.OPENAI_API_KEY,
    ANTHROPIC_API_KEY: SECRETS.ANTHROPIC_API_KEY,
    SUPABASE_JWT_SECRET: SECRETS.SUPABASE_JWT_SECRET,
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: SECRETS.SECRET_KEY }),
    SUPABASE_SERVICE_ROLE_KEY: SECRETS.SECRET_KEY,
  });
  try {
    // Tenants and their agents; tokens signed with the run's own JWT secret.
    const agents: Array<{ agentId: string; token: string }> = [];
    for (let i = 0; i < TENANTS; i++) {
      const userId = crypto.randomUUID();
      await stack.sql`insert into auth.users (id, aud, role, email) values (${userId}, 'authenticated', 'authenticated', ${`${userId}@load.local`})`;
      const token = await signUserToken(userId, SECRETS.SUPABASE_JWT_SECRET);
      for (const score of SCORES) {
        agents.push({ agentId: await addAgent(stack.sql, userId, { name: `load agent ${i}`, score, executions: 30, successRate: 97 }), token });
      }
    }
    const agentIds = agents.map((a) => a.agentId);
    await stack.sql`update routing.provider_breakers set state = 'closed', consecutive_failures = 0, failure_tenants = '{}', opened_at = null, trial_started_at = null`;
    stack.sim.reset();
    stack.sim.script(
      { provider: "openai", error: "server_error", failureRate: FAILURE_RATE, failureSeed: SEED, times: "always" },
      { provider: "anthropic", error: "overloaded", failureRate: FAILURE_RATE, failureSeed: SEED + 1, times: "always" },
    );

    // The load: CONCURRENCY workers take the next call until none is left; the agent of each is a seeded draw.
    const pick = prng(SEED);
    const plan = Array.from({ length: CALLS }, () => agents[Math.floor(pick() * agents.length)]);
    const results: Array<{ status: number; decisionId: string | null; body: string }> = new Array(CALLS);
    let nextCall = 0;
    let done = 0;
    const started = performance.now();
    const progress = setInterval(() => console.log(`load: ${done}/${CALLS} answered after ${((performance.now() - started) / 1000).toFixed(0)} s`), 10_000);
    const worker = async () => {
      for (let i = nextCall++; i < CALLS; i = nextCall++) {
        const { agentId, token } = plan[i];
        const res = await fetch(stack.endpoint, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ agent_id: agentId, messages: [{ role: "user", content: `call ${i}: summarize the load test` }] }),
        });
        results[i] = { status: res.status, decisionId: res.headers.get("x-routing-decision-id"), body: await res.text() };
        done++;
      }
    };
    try {
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    } finally {
      clearInterval(progress);
    }
    const wallMs = performance.now() - started;
    const byStatus: Record<number, number> = {};
    for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const received = stack.sim.received();
    const failedUpstream = received.filter((r) => r.status !== 200).length;
    console.log(`load: ${CALLS} calls at c=${CONCURRENCY} in ${(wallMs / 1000).toFixed(1)} s (${(CALLS / (wallMs / 1000)).toFixed(0)} calls/s); ` +
      `by status ${JSON.stringify(byStatus)}; ${received.length} upstream requests, ${failedUpstream} of them failed ` +
      `(${((100 * failedUpstream) / received.length).toFixed(1)}%)`);

    await t.step("every call is answered: a 200, or a 502 only where the whole chain failed", async () => {
      deepStrictEqual(Object.keys(byStatus).filter((s) => s !== "200" && s !== "502"), [], JSON.stringify(byStatus));
      ok(results.every((r) => r.decisionId !== null && r.decisionId !== "none"), "every answer names its decision");
      ok(failedUpstream > 0.05 * received.length && failedUpstream < 0.15 * received.length, `${failedUpstream} of ${received.length} upstream requests failed`);
      const unanswered = results.filter((r) => r.status === 502).map((r) => r.decisionId!);
      const [{ partial }] = await stack.sql`
        select count(*)::int as partial from routing.calls c join routing.attempts a on a.call_id = c.id
        where c.decision_id = any(${unanswered}::uuid[]) and a.error_type is null`;
      equal(partial, 0, "no 502 call had an attempt that succeeded");
      for (const r of results.filter((r) => r.status === 502).slice(0, 3)) console.log(`load: a 502: ${r.body}`);
    });

    await t.step("decisions, calls and attempts in the database match the simulator's own count (waiting for the records)", async () => {
      const counts = () =>
        stack.sql`select (select count(*) from routing.decisions where agent_id = any(${agentIds}::uuid[]))::int as decisions,
                         (select count(*) from routing.calls where agent_id = any(${agentIds}::uuid[]))::int as calls,
                         (select count(*) from routing.attempts a join routing.calls c on c.id = a.call_id
                           where c.agent_id = any(${agentIds}::uuid[]))::int as attempts`.then(([r]) => ({ ...r }));
      const landed = await waitFor("every call and attempt of the load recorded", counts, (c) => c.calls >= CALLS && c.attempts >= received.length, 120_000);
      deepStrictEqual(landed, { decisions: CALLS, calls: CALLS, attempts: received.length }, "rows lost or doubled");
      const [{ mismatched }] = await stack.sql`
        select count(*)::int as mismatched from routing.calls c
        where c.agent_id = any(${agentIds}::uuid[])
          and c.attempt_count <> (select count(*) from routing.attempts a where a.call_id = c.id)`;
      equal(mismatched, 0, "each call's attempt_count is its attempts");
      const statuses = await stack.sql`select status, count(*)::int as n from routing.calls where agent_id = any(${agentIds}::uuid[]) group by 1 order by 1`;
      deepStrictEqual(Object.fromEntries(statuses.map((s) => [s.status, s.n])), {
        ...(byStatus[502] ? { failed: byStatus[502] } : {}),
        succeeded: byStatus[200],
      });
    });

    await t.step("tokens are the simulator's, and costs are those tokens at the catalog's prices, exactly", async () => {
      // The simulator's reported usage per model, in the router's terms (OpenAI's prompt_tokens include the cached ones).
      const sums = new Map<string, { input: number; output: number; cached: number; write: number }>();
      for (const r of received) {
        if (r.usage === null || r.model === null) continue;
        const s = sums.get(r.model) ?? { input: 0, output: 0, cached: 0, write: 0 };
        s.input += r.provider === "openai" ? r.usage.inputTokens - r.usage.cachedTokens : r.usage.inputTokens;
        s.output += r.usage.outputTokens;
        s.cached += r.usage.cachedTokens;
        s.write += r.usage.cacheCreationTokens;
        sums.set(r.model, s);
      }
      const reported = [...sums].map(([wire, s]) => ({ wire, ...s }));
      const [check] = await stack.sql`
        with reported as (
          select m.model, r.input, r.output, r.cached, r.write
          from jsonb_to_recordset(${JSON.stringify(reported)}::text::jsonb) as r (wire text, input bigint, output bigint, cached bigint, write bigint)
          join routing.models m on m.wire_id = r.wire
        ), recorded as (
          select a.model, sum(a.input_tokens) as input, sum(a.output_tokens) as output, sum(a.cached_tokens) as cached,
                 sum(a.cache_write_tokens) as write, sum(a.cost_usd) as cost
          from routing.attempts a join routing.calls c on c.id = a.call_id
          where c.agent_id = any(${agentIds}::uuid[])
          group by a.model
        )
        select
          (select jsonb_object_agg(model, jsonb_build_array(input, output, cached, write)) from reported) as reported_tokens,
          (select jsonb_object_agg(model, jsonb_build_array(input, output, cached, write)) from recorded where input + output + cached + write > 0) as recorded_tokens,
          trim_scale((select sum(routing.cost_usd(routing.price_in_force(model, now()), input, output, cached, write)) from reported))::text as expected_cost,
          trim_scale((select sum(cost) from recorded))::text as attempts_cost,
          trim_scale((select sum(cost_usd) from routing.calls where agent_id = any(${agentIds}::uuid[])))::text as calls_cost`;
      deepStrictEqual(check.recorded_tokens, check.reported_tokens, "tokens per model");
      ok(Number(check.expected_cost) > 0, "the run cost something");
      equal(check.attempts_cost, check.expected_cost, "the attempts' cost is the simulator's tokens at catalog prices (exact numeric)");
      equal(check.calls_cost, check.expected_cost, "the calls' cost is the sum of their attempts'");
      console.log(`load: cost ${check.expected_cost} USD over ${reported.length} models, recorded to the digit`);
    });

    await t.step("no provider key, secret key or JWT secret in any row, log line or error body", async () => {
      const tables = await nonSystemTables(stack.sql);
      ok(tables.includes("routing.calls") && tables.includes("auth.users"), `scanned ${tables.join(", ")}`);
      // The scan can see: a value known to be stored is found.
      deepStrictEqual(await tablesContaining(stack.sql, tables, "load agent 7"), ["public.agents"]);
      const first = stack.sim.received()[0];
      ok(JSON.stringify(first.headers).includes(first.provider === "openai" ? SECRETS.OPENAI_API_KEY : SECRETS.ANTHROPIC_API_KEY),
        `the keys did pass through the router: ${JSON.stringify(first.headers)}`);
      // Error bodies of every kind the caller can get: the provider refusing the router's key (a 502
      // quoting the provider), a forged token, a body that is not JSON.
      stack.sim.reset();
      stack.sim.script({ error: "unauthorized", times: "always" });
      const provoked: Array<[number, Response]> = [];
      const send = (token: string, body: string) =>
        fetch(stack.endpoint, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body });
      const valid = JSON.stringify({ agent_id: agents[0].agentId, messages: [{ role: "user", content: "hi" }] });
      provoked.push([502, await send(agents[0].token, valid)]);
      provoked.push([401, await send(agents[0].token.slice(0, -4) + "AAAA", valid)]);
      provoked.push([400, await send(agents[0].token, "{not json")]);
      const provokedBodies: string[] = [];
      for (const [status, res] of provoked) {
        provokedBodies.push(await res.text());
        equal(res.status, status, provokedBodies.at(-1));
      }
      const logs = stack.logs();
      ok(logs.length > 0, "the server logged");
      const errorBodies = [...results.filter((r) => r.status !== 200).map((r) => r.body), ...provokedBodies].join("\n");
      for (const [name, value] of Object.entries(SECRETS)) {
        deepStrictEqual(await tablesContaining(stack.sql, tables, value), [], `${name} is stored`);
        equal(logs.includes(value), false, `${name} is in the function server's log`);
        equal(errorBodies.includes(value), false, `${name} is in an error body`);
      }
      console.log(`secrets scan: ${Object.keys(SECRETS).length} secrets, ${tables.length} tables, ${logs.length} log characters, ` +
        `${results.filter((r) => r.status !== 200).length + provokedBodies.length} error bodies: none found`);
    });
  } finally {
    await stack.close();
  }
});
