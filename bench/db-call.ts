// One route-completion call's database work, as the edge function sends it (functions/_shared/db/
// router-db.ts): route_model, then record_completion of one successful attempt, each its own
// statement; on agents seeded across the tiers and histories. Shared by the database benches.
import type postgres from "postgres";
import { createUserWithAgent } from "../tests/function/harness.ts";

type Sql = ReturnType<typeof postgres>;

export interface BenchAgent {
  agentId: string;
  userId: string;
}

/** Agents across the tiers and histories (new to long-lived, low to high scores), one owner each. */
export async function seedAgents(sql: Sql, n: number): Promise<BenchAgent[]> {
  const agents: BenchAgent[] = [];
  for (let i = 0; i < n; i++) {
    const score = [1.5, 2.9, 4.2, 5.5, 6.8, 8.1, 9.3][i % 7];
    const executions = [0, 3, 12, 40, 250, 1200][i % 6];
    const successRate = [100, 97, 92, 85][i % 4];
    agents.push(await createUserWithAgent(sql, { score, executions, successRate, name: `bench db ${i}` }));
  }
  return agents;
}

interface Decision {
  decision_id: string;
  model: string;
  provider: string;
}

/** The decision (an execution id, no env, acting for the owner), then the record of its one successful attempt. */
export async function oneCall(sql: Sql, agent: BenchAgent, i: number): Promise<void> {
  const [{ decision }] = await sql`select public.route_model(${agent.agentId}::uuid, ${`bench-${crypto.randomUUID()}`}::text,
    ${sql.json({})}::jsonb, ${agent.userId}::uuid, ${null}::text) as decision`;
  const d = decision as Decision;
  const latency = 180 + (i % 50);
  const call = {
    call_key: crypto.randomUUID(), status: "succeeded", model: d.model, provider: d.provider, fallback_used: false,
    latency_ms: latency + 3,
    attempts: [{
      model: d.model, provider: d.provider, status: 200, error_type: null, latency_ms: latency,
      input_tokens: 1200 + (i % 300), output_tokens: 250 + (i % 90), cached_tokens: i % 3 === 0 ? 512 : 0, cache_write_tokens: 0,
      estimated: false,
    }],
    warnings: [],
  };
  await sql`select public.record_completion(${d.decision_id}::uuid, ${sql.json(call)}::jsonb) as recorded`;
}

/** A progress line on stderr, about ten updates per phase. */
export function progress(label: string, i: number, total: number) {
  if (i % Math.max(1, Math.floor(total / 10)) === 0 || i === total) {
    Deno.stderr.writeSync(new TextEncoder().encode(`\r${label}: ${i}/${total}`));
    if (i === total) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
  }
}
