// Known figures for the dashboard tests: one user with three agents, seven executions of one call
// each, made through the real SQL functions (route_model, record_completion,
// record_agent_execution) as the database owner, then moved to a UTC day of the past week that
// holds no other traffic, so that the day's row of the cost report is exactly these calls.
//
// On the current default catalog (seeded prices, USD / Mtok, in force since before the seeded week):
//   agent             decision (env)                          calls x tokens (in/out)     outcome
//   preference        agent_preference -> gpt-5.6-terra       3 x 1000/500                2 ok, 1 failed
//   medium            tier medium (5.0) -> claude-haiku-4-5    2 x 2000/400                2 ok
//   control           rollout_control (ROUTING_PERCENTAGE=0)   2 x 1000/200 on gpt-5.6-sol 2 ok
//
// Costs at the catalog prices: gpt-5.6-terra 2.00/12.00, claude-haiku-4-5 1.00/5.00,
// gpt-5.6-sol 5.00/30.00 (also the baseline):
//   actual   = 3 x 0.008 + 2 x 0.004 + 2 x 0.011 = 0.054
//   baseline = 3 x 0.02  + 2 x 0.022 + 2 x 0.011 = 0.126
//   savings  = 0.072 (57.14%), cost per execution = 0.054 / 7 = 0.0077142857 (10 decimals)
import type { Sql } from "../function/harness.ts";

export const SEED_EMAIL_PREFIX = "dashboard-seed+";

/** The model the preference agent names: not a tier model, so its calls are the seed's alone. */
export const PREFERRED_MODEL = "gpt-5.6-terra";

export const EXPECTED = {
  calls: 7,
  executions: 7,
  actualCost: "0.054",
  baselineCost: "0.126",
  savings: "0.072",
  savingsPct: "57.14",
  costPerExecution: "0.0077142857",
  preferredCalls: 3,
  preferredSucceeded: 2,
};

export interface Seeded {
  userId: string;
  email: string;
  day: string;
  agents: { preference: string; medium: string; control: string };
}

const ROUTED_ENV = { ENABLE_INTELLIGENT_ROUTING: "true", ROUTING_PERCENTAGE: "100" };
const CONTROL_ENV = { ENABLE_INTELLIGENT_ROUTING: "true", ROUTING_PERCENTAGE: "0" };

/**
 * Deletes test users whose email is like `emailLike` (and not like `emailNotLike`), with their
 * routing history first: the history's foreign keys restrict (a user with history cannot be
 * deleted), and only the database owner, as these tests connect, may delete history rows.
 */
export async function removeTestUsers(sql: Sql, emailLike: string, emailNotLike = ""): Promise<void> {
  const users = sql`select id from auth.users where email like ${emailLike} and (${emailNotLike} = '' or email not like ${emailNotLike})`;
  await sql.begin(async (tx) => {
    await tx`delete from routing.decisions where user_id in (${users})`; // their calls and attempts cascade
    await tx`delete from routing.executions where user_id in (${users})`;
    await tx`delete from routing.agent_preference_changes where user_id in (${users})`;
    await tx`delete from auth.users where id in (${users})`; // their agents and metrics cascade
  });
}

/** Removes what earlier runs seeded. */
export async function removeSeed(sql: Sql): Promise<void> {
  await removeTestUsers(sql, SEED_EMAIL_PREFIX + "%");
}

export async function seedKnownFigures(sql: Sql): Promise<Seeded> {
  await removeSeed(sql);
  const [free] = await sql`
    select d::date::text as day
    from generate_series((timezone('UTC', now()))::date - 1, (timezone('UTC', now()))::date - 6, interval '-1 day') d
    where not exists (select 1 from public.routing_cost_savings v where v.day = d::date)
    order by d desc
    limit 1`;
  if (!free) {
    throw new Error("No day of the past week is free of routing traffic to seed the dashboard's figures on: run `npm run db:reset`.");
  }
  const day = free.day as string;

  const userId = crypto.randomUUID();
  const email = `${SEED_EMAIL_PREFIX}${userId}@test.local`;
  await sql`insert into auth.users (id, aud, role, email) values (${userId}, 'authenticated', 'authenticated', ${email})`;
  const agents = {
    preference: await agent(sql, userId, `Dashboard: prefers ${PREFERRED_MODEL}`, PREFERRED_MODEL, 5.0),
    medium: await agent(sql, userId, "Dashboard: medium tier", null, 5.0),
    control: await agent(sql, userId, "Dashboard: control cohort", null, 5.0),
  };

  let n = 0;
  const run = async (agentId: string, env: Record<string, string>, expectModel: string, input: number, output: number, succeeded: boolean) => {
    const executionId = `dashboard-seed-${++n}`;
    const [{ decision }] = await sql`select public.route_model(${agentId}::uuid, ${executionId}, ${sql.json(env)}::jsonb) as decision`;
    if (decision.model !== expectModel) {
      throw new Error(`seed: expected ${expectModel} for ${executionId}, route_model chose ${decision.model} (${decision.reason}, ${decision.cohort})`);
    }
    const call = {
      status: "succeeded", model: decision.model, provider: decision.provider, fallback_used: false, latency_ms: 400 + n * 10,
      attempts: [{
        model: decision.model, provider: decision.provider, status: 200, error_type: null, latency_ms: 400 + n * 10,
        input_tokens: input, output_tokens: output, cached_tokens: 0, cache_write_tokens: 0,
      }],
    };
    await sql`select public.record_completion(${decision.decision_id}::uuid, ${sql.json(call)}::jsonb)`;
    await sql`select public.record_agent_execution(${agentId}::uuid, ${executionId}, ${succeeded}, ${input + output}, ${1000 + n * 100})`;
  };

  await run(agents.preference, ROUTED_ENV, PREFERRED_MODEL, 1000, 500, true);
  await run(agents.preference, ROUTED_ENV, PREFERRED_MODEL, 1000, 500, false);
  await run(agents.preference, ROUTED_ENV, PREFERRED_MODEL, 1000, 500, true);
  await run(agents.medium, ROUTED_ENV, "claude-haiku-4-5", 2000, 400, true);
  await run(agents.medium, ROUTED_ENV, "claude-haiku-4-5", 2000, 400, true);
  await run(agents.control, CONTROL_ENV, "gpt-5.6-sol", 1000, 200, true);
  await run(agents.control, CONTROL_ENV, "gpt-5.6-sol", 1000, 200, true);

  // Move the seeded traffic to the free day (noon UTC).
  const at = sql`(${day}::date + time '12:00') at time zone 'UTC'`;
  await sql`update routing.decisions set created_at = ${at} where user_id = ${userId}`;
  await sql`update routing.calls set created_at = ${at} where user_id = ${userId}`;
  await sql`update routing.attempts set created_at = ${at} where user_id = ${userId}`;
  await sql`update routing.executions set recorded_at = ${at} where user_id = ${userId}`;
  return { userId, email, day, agents };
}

async function agent(sql: Sql, userId: string, name: string, preference: string | null, score: number): Promise<string> {
  const agentId = crypto.randomUUID();
  await sql`insert into public.agents (id, user_id, name, model_preference) values (${agentId}, ${userId}, ${name}, ${preference})`;
  await sql`insert into public.agent_intensity_metrics (agent_id, combined_score, total_executions, successful_executions, success_rate)
            values (${agentId}, ${score}, 20, 20, 100)`;
  return agentId;
}
