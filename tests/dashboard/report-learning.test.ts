// The report's LEARNING section against the real database: the agents moved up and down and the
// moves are the figures of public.routing_learning_moves_between for the period, and they follow
// the audit rows of routing.agent_model_moves (two moves up of one agent count one agent).
import { ok } from "node:assert/strict";
import postgres from "postgres";
import { renderReport } from "../../scripts/report.mjs";
import { createUserWithAgent, databaseUrl, e2e } from "../function/harness.ts";

Deno.test("the report's learning lines are routing_learning_moves_between's figures, moves included", e2e, async () => {
  const sql = postgres(await databaseUrl(), { max: 1, onnotice: () => {} });
  const { userId, agentId } = await createUserWithAgent(sql, { score: 2, name: "report learning agent" });
  try {
    const line = async () => {
      const [m] = await sql`
        select agents_moved_up::int as up, agents_moved_down::int as down, moves_up::int, moves_down::int
        from public.routing_learning_moves_between((timezone('UTC', now()))::date, (timezone('UTC', now()))::date)`;
      return { m, text: `Moved up:   ${m.up} agents (${m.moves_up} moves)   Moved down: ${m.down} agents (${m.moves_down} moves)` };
    };
    const before = await line();
    const [cfg] = await sql`select low_model, medium_model, premium_model from routing.config`;
    for (const [from, to, fromModel, toModel] of [[1, 2, cfg.low_model, cfg.medium_model], [2, 3, cfg.medium_model, cfg.premium_model]]) {
      await sql`insert into routing.agent_model_moves
                  (agent_id, user_id, execution_id, direction, from_rung, to_rung, from_model, to_model, judged_model,
                   executions, successes, prior_mean, prior_weight, bound, target, confidence)
                values (${agentId}, ${userId}, 'report-learning', 'up', ${from}, ${to}, ${fromModel}, ${toModel}, ${fromModel},
                        10, 7, 98, 20, 97.1, 98, 0.95)`;
    }
    const after = await line();
    ok(after.m.up === before.m.up + 1 && after.m.moves_up === before.m.moves_up + 2, "one agent, two moves up");
    const report = await renderReport(sql, { days: 1 });
    ok(report.includes(after.text), `the report shows "${after.text}":\n${report}`);
    ok(/Decisions: {2}\d+ on a learned tier, \d+ exploring the cheaper rung/.test(report), "the learning's decisions are counted");
  } finally {
    await sql`delete from public.agents where id = ${agentId}`;
    await sql`delete from auth.users where id = ${userId}`;
    await sql.end();
  }
});
