// Cached tokens end to end: each provider's usage is translated to OpenAI's shape for the caller,
// and recorded apart (input excludes cached and cache-write tokens) so that SQL prices each kind
// at its own catalog price.
import { deepStrictEqual, equal } from "node:assert/strict";
import { createUserWithAgent, e2e, post, startStack, userToken } from "./harness.ts";

const messages = [{ role: "user", content: "Use the cached context." }];

Deno.test("cached tokens are reported in OpenAI's shape and priced at their own price", e2e, async (t) => {
  const stack = await startStack();
  try {
    await t.step("Anthropic cache reads and writes (claude-3-haiku)", async () => {
      const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 5.2, executions: 30, successRate: 97 });
      stack.sim.script({ provider: "anthropic", usage: { inputTokens: 100, outputTokens: 50, cachedTokens: 1000, cacheCreationTokens: 200 } });
      const res = await post(stack.endpoint, await userToken(stack, userId), { agent_id: agentId, messages });
      equal(res.status, 200, JSON.stringify(res.body));
      deepStrictEqual(res.body.usage, {
        prompt_tokens: 1300, completion_tokens: 50, total_tokens: 1350, prompt_tokens_details: { cached_tokens: 1000 },
      });
      const [call] = await stack.sql`select input_tokens::int, cached_tokens::int, cache_write_tokens::int, output_tokens::int,
                                            cost_usd::text, baseline_cost_usd::text from routing.calls where agent_id = ${agentId}`;
      deepStrictEqual({ ...call }, {
        input_tokens: 100, cached_tokens: 1000, cache_write_tokens: 200, output_tokens: 50,
        // 100 x 0.25 + 1000 x 0.03 + 200 x 0.30 + 50 x 1.25 = 177.5 per million
        cost_usd: "0.0001775",
        // the same tokens on gpt-4o: 100 x 2.50 + 1000 x 1.25 + 200 x 2.50 + 50 x 10.00 = 2500 per million
        baseline_cost_usd: "0.0025",
      });
      equal((res.body.routing as Record<string, unknown>).cost_usd, "0.0001775");
    });

    await t.step("OpenAI cached prompt tokens (gpt-4o-mini)", async () => {
      const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 2.1, executions: 30, successRate: 97 });
      stack.sim.script({ provider: "openai", usage: { inputTokens: 1500, outputTokens: 100, cachedTokens: 1000 } });
      const res = await post(stack.endpoint, await userToken(stack, userId), { agent_id: agentId, messages });
      equal(res.status, 200, JSON.stringify(res.body));
      equal((res.body.usage as Record<string, unknown>).prompt_tokens, 1500);
      const [call] = await stack.sql`select input_tokens::int, cached_tokens::int, cost_usd::text from routing.calls where agent_id = ${agentId}`;
      // 500 x 0.15 + 1000 x 0.075 + 100 x 0.60 = 210 per million
      deepStrictEqual({ ...call }, { input_tokens: 500, cached_tokens: 1000, cost_usd: "0.00021" });
    });
  } finally {
    await stack.close();
  }
});
