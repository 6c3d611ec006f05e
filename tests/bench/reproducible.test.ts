// The benchmark's and the demo's promise, against the real function: a population run with the
// same seed gives the same decisions, the same models, the same outcomes and the same report
// figures at concurrency 1 and 4, the learning included (each agent's executions in order; the
// draws a pure function of seed, agent and execution index).
import { deepEqual, ok } from "node:assert/strict";
import postgres from "postgres";
import { databaseUrl, e2e } from "../function/harness.ts";
import { dropDatabases, freshDatabase, makeTemplate, runPopulation } from "../../bench/economics-run.ts";
import { DEFAULT_PARAMS, generatePopulation, type PopulationParams } from "../../bench/population.mjs";

const TEMPLATE = "econ_test_template";

Deno.test("the same seed gives the same run at concurrency 1 and 4, through the function", e2e, async () => {
  const base = await databaseUrl();
  await makeTemplate(base, TEMPLATE);
  const params: PopulationParams = { ...DEFAULT_PARAMS, agents: 8, tenants: 4, underShare: 0.25, overShare: 0.125 };
  const seed = 2024;
  const agents = generatePopulation({ seed, params });
  const names = ["econ_test_c1", "econ_test_c4"];
  try {
    const runs = [];
    for (const [k, concurrency] of [1, 4].entries()) {
      const url = await freshDatabase(base, TEMPLATE, names[k]);
      const { figures } = await runPopulation({
        seed, agents, params, perAgent: 10, minCalls: 1, maxCalls: 3, concurrency, routed: true, databaseUrl: url,
        label: `c${concurrency}`, progress: () => {},
      });
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const decisions = await sql`
          select d.execution_id, d.model, d.reason, e.succeeded,
                 (select array_agg(c.model || ':' || c.input_tokens || ':' || c.output_tokens order by c.created_at)
                  from routing.calls c where c.decision_id = d.id) as calls
          from routing.decisions d join routing.executions e on e.decision_id = d.id
          order by d.execution_id`;
        const moves = await sql`select agent_id, direction, from_model, to_model, execution_id from routing.agent_model_moves order by agent_id, at`;
        const { wall_seconds: _, ...same } = figures;
        runs.push({ same, decisions: [...decisions], moves: [...moves] });
      } finally {
        await sql.end();
      }
    }
    deepEqual(runs[1], runs[0], "concurrency 4 gives what concurrency 1 gave");
    ok(runs[0].decisions.length === 80, `every execution was decided and reported (${runs[0].decisions.length})`);
    ok(runs[0].moves.length > 0, "the misled agents moved, so the learning is part of what was compared");
  } finally {
    await dropDatabases(base, [...names, TEMPLATE]);
  }
});
