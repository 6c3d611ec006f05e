// Cached tokens end to end: each provider's usage is translated to OpenAI's shape for the caller,
// and recorded apart (input excludes cached and cache-write tokens) so that SQL prices each kind
// at its own catalog price. The expected costs are computed from the price rows in force, so the
// test follows the catalog; what it checks is which count is priced at which price.
import { deepStrictEqual, equal } from "node:assert/strict";
import { configuredModels, createUserWithAgent, e2e, post, type Sql, startStack, userToken } from "./harness.ts";

const messages = [{ role: "user", content: "Use the cached context." }];

/** The cost of these tokens on `model` at today's price, as text (trailing zeros trimmed). */
async function priced(
  sql: Sql,
  model: string,
  tokens: { input: number; output: number; cached: number; cacheWrite: number },
): Promise<string> {
  const [row] = await sql`
    select trim_scale((${tokens.input}::numeric * p.input_per_mtok + ${tokens.output}::numeric * p.output_per_mtok
                     + ${tokens.cached}::numeric * p.cached_input_per_mtok + ${tokens.cacheWrite}::numeric * p.cache_write_per_mtok)
                     / 1000000)::text as cost
    from routing.price_in_force(${model}, now()) p`;
  return row.cost;
}

Deno.test("cached tokens are reported in OpenAI's shape and priced at their own price", e2e, async (t) => {
  const stack = await startStack();
  try {
    const configured = await configuredModels(stack.sql);

    await t.step(`Anthropic cache reads and writes (the medium tier, ${configured.medium.model})`, async () => {
      const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 5.2, executions: 30, successRate: 97 });
      stack.sim.script({ provider: "anthropic", usage: { inputTokens: 100, outputTokens: 50, cachedTokens: 1000, cacheCreationTokens: 200 } });
      const res = await post(stack.endpoint, await userToken(stack, userId), { agent_id: agentId, messages });
      equal(res.status, 200, JSON.stringify(res.body));
      equal(res.body.model, configured.medium.model);
      deepStrictEqual(res.body.usage, {
        prompt_tokens: 1300, completion_tokens: 50, total_tokens: 1350, prompt_tokens_details: { cached_tokens: 1000 },
      });
      const [call] = await stack.sql`select input_tokens::int, cached_tokens::int, cache_write_tokens::int, output_tokens::int,
                                            trim_scale(cost_usd)::text as cost_usd, trim_scale(baseline_cost_usd)::text as baseline_cost_usd
                                     from routing.calls where agent_id = ${agentId}`;
      const tokens = { input: 100, output: 50, cached: 1000, cacheWrite: 200 };
      deepStrictEqual({ ...call }, {
        input_tokens: 100, cached_tokens: 1000, cache_write_tokens: 200, output_tokens: 50,
        cost_usd: await priced(stack.sql, configured.medium.model, tokens),
        baseline_cost_usd: await priced(stack.sql, configured.baseline.model, tokens),
      });
    });

    await t.step(`OpenAI cached prompt tokens (the low tier, ${configured.low.model})`, async () => {
      const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 2.1, executions: 30, successRate: 97 });
      stack.sim.script({ provider: "openai", usage: { inputTokens: 1500, outputTokens: 100, cachedTokens: 1000 } });
      const res = await post(stack.endpoint, await userToken(stack, userId), { agent_id: agentId, messages });
      equal(res.status, 200, JSON.stringify(res.body));
      equal(res.body.model, configured.low.model);
      equal((res.body.usage as Record<string, unknown>).prompt_tokens, 1500);
      const [call] = await stack.sql`select input_tokens::int, cached_tokens::int, trim_scale(cost_usd)::text as cost_usd
                                     from routing.calls where agent_id = ${agentId}`;
      // OpenAI's prompt_tokens include the cached ones: 500 uncached, 1000 cached.
      deepStrictEqual({ ...call }, {
        input_tokens: 500, cached_tokens: 1000,
        cost_usd: await priced(stack.sql, configured.low.model, { input: 500, output: 100, cached: 1000, cacheWrite: 0 }),
      });
    });
  } finally {
    await stack.close();
  }
});
