// Retry, fallback and the circuit breaker through the real function: the simulator plays the
// failing provider, the database keeps the breaker and records every attempt.
import { deepStrictEqual, equal } from "node:assert/strict";
import { configuredModels, createUserWithAgent, e2e, post, resetBreakers, startStack, userToken } from "./harness.ts";

const messages = [{ role: "user", content: "hello" }];

Deno.test("fallback and circuit breaker", e2e, async (t) => {
  // The longest backoff (500 ms) above the 400 ms retry-after below, so that it is waited out on the same model.
  const stack = await startStack({ ROUTER_ATTEMPT_TIMEOUT_MS: "1000", ROUTER_RETRY_MAX_DELAY_MS: "500" });
  const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 5.2, executions: 30, successRate: 96 });
  const token = await userToken(stack, userId);
  const call = () => post(stack.endpoint, token, { agent_id: agentId, messages });
  const attemptsOf = async (decisionId: unknown) =>
    await stack.sql`select a.seq, a.model, a.provider, a.http_status, a.error_type
                    from routing.attempts a join routing.calls c on c.id = a.call_id
                    where c.decision_id = ${String(decisionId)} order by a.created_at, a.seq`;
  try {
    await resetBreakers(stack.sql);
    // The medium tier's model (on Anthropic) and the first model of its fallback chain, as configured.
    const medium = (await configuredModels(stack.sql)).medium.model;
    const probe = await call();
    equal(probe.status, 200, JSON.stringify(probe.body));
    const [{ fallback_chain: chain }] = await stack.sql`select fallback_chain from routing.decisions
                                                        where id = ${String((probe.body.routing as Record<string, unknown>).decision_id)}`;
    const fallback = (chain as string[])[0];

    await t.step("Anthropic answering 529 three times falls back along the chain, every attempt recorded", async () => {
      stack.sim.reset();
      stack.sim.script({ provider: "anthropic", error: "overloaded", times: 3 });
      const res = await call();
      equal(res.status, 200, JSON.stringify(res.body));
      equal(res.body.model, fallback);
      const routing = res.body.routing as Record<string, unknown>;
      equal(routing.decided_model, medium);
      equal(routing.fallback_used, true);
      equal(routing.attempts, 4);
      equal(res.headers.get("x-routing-fallback"), "true");
      const attempts = await attemptsOf(routing.decision_id);
      deepStrictEqual(attempts.map((a) => [a.seq, a.model, a.http_status, a.error_type]), [
        [1, medium, 529, "overloaded"],
        [2, medium, 529, "overloaded"],
        [3, medium, 529, "overloaded"],
        [4, fallback, 200, null],
      ]);
      await resetBreakers(stack.sql);
    });

    await t.step("a hang past the attempt timeout is not retried on the same model: it falls back at once", async () => {
      stack.sim.reset();
      stack.sim.script({ provider: "anthropic", hang: true, times: 3 });
      const res = await call();
      equal(res.status, 200, JSON.stringify(res.body));
      equal(res.body.model, fallback);
      const attempts = await attemptsOf((res.body.routing as Record<string, unknown>).decision_id);
      deepStrictEqual(attempts.map((a) => [a.model, a.error_type]), [[medium, "timeout"], [fallback, null]]);
      await resetBreakers(stack.sql);
    });

    await t.step("an exhausted Anthropic credit balance falls back at once without a retry", async () => {
      stack.sim.reset();
      stack.sim.script({ provider: "anthropic", error: "insufficient_quota" });
      const res = await call();
      equal(res.status, 200);
      const attempts = await attemptsOf((res.body.routing as Record<string, unknown>).decision_id);
      deepStrictEqual(attempts.map((a) => a.error_type), ["insufficient_quota", null]);
    });

    await t.step("each Anthropic quota and billing error falls back at once, in one attempt, without a retry", async () => {
      for (const preset of ["credit_balance_exhausted", "spend_limit_reached", "workspace_spend_limit_reached", "usage_tier_limit_reached", "billing_error"] as const) {
        stack.sim.reset();
        stack.sim.script({ provider: "anthropic", error: preset });
        const res = await call();
        equal(res.status, 200, `${preset}: ${JSON.stringify(res.body)}`);
        const attempts = await attemptsOf((res.body.routing as Record<string, unknown>).decision_id);
        deepStrictEqual(attempts.map((a) => [a.model, a.error_type]), [[medium, "insufficient_quota"], [fallback, null]], preset);
      }
    });

    await t.step("each OpenAI quota code falls back at once, in one attempt, not retried as a rate limit", async () => {
      const low = await createUserWithAgent(stack.sql, { score: 2.1, executions: 30, successRate: 96 });
      const lowToken = await userToken(stack, low.userId);
      for (const preset of ["insufficient_quota", "credit_balance_exhausted", "spend_limit_reached", "workspace_spend_limit_reached", "usage_tier_limit_reached"] as const) {
        stack.sim.reset();
        stack.sim.script({ provider: "openai", error: preset });
        const res = await post(stack.endpoint, lowToken, { agent_id: low.agentId, messages });
        equal(res.status, 200, `${preset}: ${JSON.stringify(res.body)}`);
        const attempts = await attemptsOf((res.body.routing as Record<string, unknown>).decision_id);
        deepStrictEqual(attempts.map((a) => [a.http_status, a.error_type]), [[429, "insufficient_quota"], [200, null]], preset);
        deepStrictEqual(attempts[0].model === attempts[1].model, false, "the next model answered");
      }
    });

    await t.step("a dropped connection and a malformed body are retried on the same model", async () => {
      stack.sim.reset();
      stack.sim.script({ provider: "anthropic", drop: true }, { provider: "anthropic", malformed: true });
      const res = await call();
      equal(res.status, 200, JSON.stringify(res.body));
      equal(res.body.model, medium);
      const attempts = await attemptsOf((res.body.routing as Record<string, unknown>).decision_id);
      deepStrictEqual(attempts.map((a) => a.error_type), ["connection", "malformed_response", null]);
    });

    await t.step("retry-after from the provider is honoured", async () => {
      stack.sim.reset();
      stack.sim.script({ provider: "anthropic", error: "rate_limit", retryAfterMs: 400 });
      const started = performance.now();
      const res = await call();
      equal(res.status, 200);
      equal(res.body.model, medium);
      const elapsed = performance.now() - started;
      equal(elapsed >= 400, true, `waited ${elapsed} ms`);
    });

    await t.step("after 5 availability failures of two tenants the breaker opens and the sixth call goes straight to the fallback", async () => {
      // One tenant's failures alone never open the shared circuit (routing.config.breaker_min_tenants):
      // the calls alternate between this tenant and another one.
      const other = await createUserWithAgent(stack.sql, { score: 5.2, executions: 30, successRate: 96 });
      const otherToken = await userToken(stack, other.userId);
      const callAs = (i: number) => i % 2 === 0 ? post(stack.endpoint, otherToken, { agent_id: other.agentId, messages }) : call();
      await resetBreakers(stack.sql);
      await stack.sql`update routing.config set max_retries = 0`;
      try {
        stack.sim.reset();
        stack.sim.script({ provider: "anthropic", error: "overloaded", times: "always" });
        for (let i = 1; i <= 5; i++) {
          const res = await callAs(i);
          equal(res.status, 200);
          equal(res.body.model, fallback);
          const [breaker] = await stack.sql`select state, consecutive_failures from routing.provider_breakers where provider = 'anthropic'`;
          equal(breaker.state, i < 5 ? "closed" : "open", `after call ${i}`);
        }
        stack.sim.reset();
        const sixth = await call();
        equal(sixth.status, 200);
        equal(sixth.body.model, fallback);
        const routing = sixth.body.routing as Record<string, unknown>;
        equal(routing.decided_model, fallback, "the decision itself avoids the open circuit");
        equal(routing.attempts, 1);
        equal(stack.sim.received({ provider: "anthropic" }).length, 0, "Anthropic was not touched");
        const [decision] = await stack.sql`select adjustments from routing.decisions where id = ${String(routing.decision_id)}`;
        deepStrictEqual((decision.adjustments as Record<string, unknown>[]).map((a) => a.why), ["circuit_open:anthropic"]);
      } finally {
        await stack.sql`update routing.config set max_retries = 2`;
        await resetBreakers(stack.sql);
      }
    });
  } finally {
    await stack.close();
  }
});
