// One call per tier through the real function: each answered by the right provider, in the
// right wire format, leaving one decision, one call and its attempts in the database.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { auditCounts, configuredModels, createUserWithAgent, e2e, post, startStack, userToken } from "./harness.ts";

const messages = [
  { role: "system", content: "You are a careful agent." },
  { role: "user", content: "Summarise today's tickets." },
];

const TIER_SCORES = [{ name: "low", score: 2.1 }, { name: "medium", score: 5.2 }, { name: "high", score: 8.4 }] as const;

Deno.test("route-completion answers each tier with its model, on its provider's wire format", e2e, async (t) => {
  const stack = await startStack();
  try {
    const configured = await configuredModels(stack.sql);
    const tiers = TIER_SCORES.map(({ name, score }) => ({
      name, score, ...configured[name], path: configured[name].provider === "anthropic" ? "/v1/messages" : "/v1/chat/completions",
    }));
    for (const tier of tiers) {
      await t.step(`a ${tier.name}-complexity agent (${tier.score}) is answered by ${tier.model}`, async () => {
        const { userId, agentId } = await createUserWithAgent(stack.sql, { score: tier.score, executions: 40, successRate: 97 });
        stack.sim.reset();
        const res = await post(stack.endpoint, await userToken(stack, userId), { agent_id: agentId, model: "gpt-4o", messages });
        equal(res.status, 200, JSON.stringify(res.body));
        equal(res.body.object, "chat.completion");
        equal(res.body.model, tier.model);
        const routing = res.body.routing as Record<string, unknown>;
        equal(routing.model, tier.model);
        equal(routing.provider, tier.provider);
        equal(routing.tier, tier.name);
        equal(routing.reason, "tier");
        equal(routing.cohort, "routed");
        equal(routing.attempts, 1);
        equal(res.headers.get("x-routing-model"), tier.model);
        equal(res.headers.get("x-routing-provider"), tier.provider);

        const seen = stack.sim.received();
        equal(seen.length, 1);
        equal(seen[0].path, tier.path);
        const wire = seen[0].body as Record<string, unknown>;
        equal(wire.model, tier.wireId, "the body's model is not obeyed: the router decides, and sends the wire id");
        if (tier.provider === "anthropic") {
          equal(wire.system, "You are a careful agent.");
          deepStrictEqual(wire.messages, [{ role: "user", content: [{ type: "text", text: "Summarise today's tickets." }] }]);
          const sentKey = seen[0].headers["x-api-key"] ?? seen[0].headers["authorization"]?.replace(/^Bearer /, "");
          equal(sentKey, "test-anthropic-key");
          equal(seen[0].headers["anthropic-version"], "2023-06-01");
          ok(typeof wire.max_tokens === "number");
        } else {
          deepStrictEqual(wire.messages, messages);
          equal(seen[0].headers["authorization"], "Bearer test-openai-key");
          equal(wire.agent_id, undefined, "router fields are not forwarded");
        }
        deepStrictEqual(await auditCounts(stack.sql, agentId), { decisions: 1, calls: 1, attempts: 1 });
        const [call] = await stack.sql`select model, status, cost_usd::text, baseline_cost_usd::text, call_key::text from routing.calls where agent_id = ${agentId}`;
        equal(call.model, tier.model);
        equal(call.status, "succeeded");
        equal(routing.call_key, call.call_key, "the answer names its record, whose cost the database computed");
        equal(res.headers.get("x-routing-call-key"), call.call_key);
        ok(Number(call.cost_usd) <= Number(call.baseline_cost_usd));
      });
    }
    await t.step("no key or token ever appears in the function's logs", () => {
      const logs = stack.logs();
      for (const secret of ["test-openai-key", "test-anthropic-key", stack.serviceKey, stack.jwtSecret]) {
        equal(logs.includes(secret), false, "a secret was logged");
      }
    });
  } finally {
    await stack.close();
  }
});
