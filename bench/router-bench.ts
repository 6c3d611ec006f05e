// `npm run bench` part "router": per-call figures, never asserted in tests.
//   1. route_model: mean / p50 / p95 of 1,000 calls on seeded agents (one round trip each).
//   2. route-completion: the median latency the function adds over calling the provider
//      simulator directly with the same SDK, over 100 sequential calls each.
// Writes bench/results/router.json. Needs the local database (npm run bench starts it).
import OpenAI from "openai";
import { createUserWithAgent, OPENAI_TEST_KEY, post, startStack, userToken } from "../tests/function/harness.ts";
import { percentiles, progress, writeResult } from "./lib/results.ts";

const ROUTE_CALLS = Number(Deno.env.get("BENCH_ROUTE_CALLS") ?? 1000);
const HTTP_CALLS = Number(Deno.env.get("BENCH_HTTP_CALLS") ?? 100);

const stats = percentiles;

const stack = await startStack({ ROUTING_LOG_LEVEL: "warn" });
try {
  // Agents across the tiers, owned by one bench user.
  const agents: string[] = [];
  const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 2.1, executions: 40, successRate: 97, name: "bench low" });
  agents.push(agentId);
  for (const score of [5.2, 8.4, 3.95, 6.9]) {
    const more = await createUserWithAgent(stack.sql, { score, executions: 40, successRate: 97, name: `bench ${score}` });
    agents.push(more.agentId);
  }

  // 1. route_model over one connection, as the function does it.
  const routeSamples: number[] = [];
  const routeProgress = progress("router", "route_model", ROUTE_CALLS);
  for (let i = 0; i < ROUTE_CALLS; i++) {
    const started = performance.now();
    await stack.sql`select public.route_model(${agents[i % agents.length]}::uuid, null, ${stack.sql.json({ ENABLE_INTELLIGENT_ROUTING: "true" })}::jsonb, null)`;
    routeSamples.push(performance.now() - started);
    routeProgress(i + 1);
  }
  // The same inside the database, without the network round trip.
  // statement_timestamp() is when this statement began; clock_timestamp() is read after the calls.
  const [inDb] = await stack.sql`
    select (extract(epoch from (
              select clock_timestamp()
              from (select count(public.route_model(${agents[0]}::uuid, null, '{"ENABLE_INTELLIGENT_ROUTING":"true"}'::jsonb, null)) as n
                    from generate_series(1, ${ROUTE_CALLS})) calls
            ) - statement_timestamp()) * 1000 / ${ROUTE_CALLS})::numeric(10, 4) as ms`;

  // 2. Added latency of the function over the simulator called directly.
  const direct = new OpenAI({ apiKey: OPENAI_TEST_KEY, baseURL: stack.sim.openaiBaseUrl, maxRetries: 0 });
  const messages = [{ role: "user" as const, content: "benchmark" }];
  const directSamples: number[] = [];
  const viaFunction: number[] = [];
  const token = await userToken(stack, userId);
  for (let i = 0; i < 5; i++) await post(stack.endpoint, token, { agent_id: agentId, messages }); // warm-up
  const httpProgress = progress("router", "route-completion", HTTP_CALLS);
  for (let i = 0; i < HTTP_CALLS; i++) {
    let started = performance.now();
    await direct.chat.completions.create({ model: "gpt-4o-mini", messages });
    directSamples.push(performance.now() - started);
    started = performance.now();
    const res = await post(stack.endpoint, token, { agent_id: agentId, messages });
    if (res.status !== 200) throw new Error(`function answered ${res.status}: ${JSON.stringify(res.body)}`);
    viaFunction.push(performance.now() - started);
    httpProgress(i + 1);
  }
  const d = stats(directSamples);
  const f = stats(viaFunction);
  const figures = {
    route_model_round_trip_ms: stats(routeSamples),
    route_model_in_database_mean_ms: Number(inDb.ms),
    simulator_direct_ms: d,
    route_completion_ms: f,
    median_added_latency_ms: +(f.p50 - d.p50).toFixed(3),
  };
  console.log(JSON.stringify(figures, null, 2));
  await writeResult("router", figures);
} finally {
  // The bench's decisions stay in the audit trail of the bench agents; they are marked by name.
  await stack.close();
}
