// Tenants cannot hurt each other (issue 11, item 2), through the real function and the unmodified
// OpenAI SDK at /functions/v1/route-completion/v1: a tenant past routing.config's
// tenant_requests_per_minute or tenant_daily_spend_usd gets OpenAI's 429 (RateLimitError, a
// retry-after header) while other tenants go on; a replay is not refused; a hang is not retried
// on the same model, and one tenant's hangs do not open the circuit every tenant shares; a
// non-streamed answer's max_tokens is capped to what fits the attempt timeout.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import OpenAI from "openai";
import {
  auditCounts, configuredModels, createUserWithAgent, e2e, recordedCall, resetBreakers, type Stack, startStack, userToken, fetchAwaitingRecords
} from "./harness.ts";

const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "hello" }];
const MEDIUM = { score: 5.2, executions: 30, successRate: 96 };

function client(stack: Stack, apiKey: string, headers: Record<string, string>): OpenAI {
  return new OpenAI({ baseURL: `${stack.supabaseUrl}/functions/v1/route-completion/v1`, apiKey, defaultHeaders: headers, maxRetries: 0, fetch: fetchAwaitingRecords });
}

/**
 * A tenant with one medium agent and its SDK client; `execution` adds an x-execution-id. An answer
 * resolves once its record is stored (after the answer), as the spend and breaker checks read it.
 */
async function tenant(stack: Stack) {
  const { userId, agentId } = await createUserWithAgent(stack.sql, MEDIUM);
  const token = await userToken(stack, userId);
  const create = async (execution?: string) => {
    const completion = await client(stack, token, { "x-agent-id": agentId, ...(execution ? { "x-execution-id": execution } : {}) })
      .chat.completions.create({ model: "auto", messages });
    await recordedCall(stack.sql, (completion as unknown as { routing: { call_key: string } }).routing.call_key);
    return completion;
  };
  return { userId, agentId, create };
}

async function rejection(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await call.then(() => null, (e) => e);
  ok(error instanceof OpenAI.APIError, `expected an APIError, got ${error}`);
  return error;
}

/** Waits out the end of a UTC minute so that a few requests fall in one minute's count. */
async function startOfMinuteWindow(): Promise<void> {
  const second = new Date().getUTCSeconds();
  if (second >= 45) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
}

Deno.test("tenant limits: OpenAI's 429 past a tenant's limits, hangs fall back at once", e2e, async (t) => {
  const stack = await startStack({ ROUTER_ATTEMPT_TIMEOUT_MS: "500" });
  try {
    await resetBreakers(stack.sql);

    await t.step("the request past tenant_requests_per_minute is a RateLimitError with retry-after; others go on", async () => {
      const noisy = await tenant(stack);
      const quiet = await tenant(stack);
      await startOfMinuteWindow();
      await stack.sql`update routing.config set tenant_requests_per_minute = 2`;
      try {
        await noisy.create("noisy-1");
        await noisy.create("noisy-2");
        const refused = await rejection(noisy.create("noisy-3"));
        ok(refused instanceof OpenAI.RateLimitError, String(refused));
        deepStrictEqual([refused.status, refused.error], [429, {
          message: "This tenant's request rate limit is reached (routing.config.tenant_requests_per_minute). " +
            `Try again in ${refused.headers?.get("retry-after")} s.`,
          type: "requests", param: null, code: "rate_limit_exceeded",
        }]);
        const retryAfter = Number(refused.headers?.get("retry-after"));
        ok(retryAfter >= 1 && retryAfter <= 60, `retry-after ${retryAfter}`);
        deepStrictEqual(await auditCounts(stack.sql, noisy.agentId), { decisions: 2, calls: 2, attempts: 2 },
          "the refused request decided, called and recorded nothing");

        // Each call of an execution is a request: a further call of noisy-1 is refused past the limit too.
        const replay = await rejection(noisy.create("noisy-1"));
        equal(replay.status, 429, "a further call of a decided execution is refused past the limit");
        const other = await quiet.create();
        equal(other.choices[0].message.role, "assistant", "another tenant is answered");
      } finally {
        await stack.sql`update routing.config set tenant_requests_per_minute = 0`;
      }
    });

    await t.step("a tenant whose day's recorded spend reached tenant_daily_spend_usd gets a RateLimitError until UTC midnight", async () => {
      const spender = await tenant(stack);
      const other = await tenant(stack);
      // Spend is counted while a limit is on (turning it on counts the day's calls so far).
      await stack.sql`update routing.config set tenant_daily_spend_usd = 1000`;
      await spender.create();
      const [{ spent }] = await stack.sql`select spend_usd::text as spent from routing.tenant_daily_spend
                                          where user_id = ${spender.userId} and day = (timezone('UTC', now()))::date`;
      const [{ recorded }] = await stack.sql`select sum(cost_usd)::text as recorded from routing.calls where user_id = ${spender.userId}`;
      equal(spent, recorded, "the day's spend is the recorded calls' cost");
      // The limit at what the tenant has spent (the smallest settable amount above 0 when that is less).
      await stack.sql`update routing.config set tenant_daily_spend_usd = greatest(0.01, ceil(${spent}::numeric * 100) / 100)`;
      await stack.sql`update routing.tenant_daily_spend set spend_usd = greatest(0.01, ceil(spend_usd * 100) / 100)
                      where user_id = ${spender.userId}`;
      try {
        const refused = await rejection(spender.create());
        ok(refused instanceof OpenAI.RateLimitError, String(refused));
        const body = refused.error as { type: string; code: string; param: null };
        deepStrictEqual([refused.status, body.type, body.code, body.param], [429, "tokens", "rate_limit_exceeded", null]);
        const retryAfter = Number(refused.headers?.get("retry-after"));
        ok(retryAfter >= 1 && retryAfter <= 86_400, `retry-after ${retryAfter}`);
        const answered = await other.create();
        equal(answered.choices[0].message.role, "assistant", "a tenant that spent nothing is answered");
      } finally {
        await stack.sql`update routing.config set tenant_daily_spend_usd = 0`;
      }
    });

    await t.step("a non-streamed max_tokens above ROUTER_MAX_OUTPUT_TOKENS (4096 by default) is clamped to it, with a warning", async () => {
      const long = await tenant(stack);
      stack.sim.reset();
      const sdk = client(stack, await userToken(stack, long.userId), { "x-agent-id": long.agentId });
      const { data, response } = await sdk.chat.completions.create({ model: "auto", messages, max_tokens: 100_000 }).withResponse();
      equal(response.status, 200);
      const [sent] = stack.sim.received();
      equal((sent.body as { max_tokens: number }).max_tokens, 4096, "the provider was asked for at most 4096 tokens");
      const warnings = (data as unknown as { routing: { warnings: string[] } }).routing?.warnings ??
        JSON.parse(response.headers.get("x-routing-warnings") ?? "[]");
      ok(JSON.stringify(warnings).includes("max_tokens 100000 clamped to 4096 (ROUTER_MAX_OUTPUT_TOKENS"), JSON.stringify(warnings));
    });

    await t.step("a hang is not retried on the same model, and one tenant's hangs leave the shared circuit closed", async () => {
      const configured = await configuredModels(stack.sql);
      const hanging = await tenant(stack);
      await resetBreakers(stack.sql);
      stack.sim.reset();
      stack.sim.script({ provider: "anthropic", hang: true, times: "always" });
      try {
        for (let i = 1; i <= 6; i++) {
          const answer = await hanging.create();
          ok(answer.model !== configured.medium.model, `call ${i} was answered by the fallback (${answer.model})`);
        }
        const attempts = await stack.sql`select a.model, a.error_type from routing.attempts a join routing.calls c on c.id = a.call_id
                                         where c.agent_id = ${hanging.agentId} order by a.created_at, a.seq`;
        deepStrictEqual(attempts.slice(0, 2).map((a) => [a.model, a.error_type]), [[configured.medium.model, "timeout"], [attempts[1].model, null]],
          "one timed-out attempt, then the next model at once");
        equal(attempts.length, 12, "two attempts per call, never a second one on the hung model");
        const [breaker] = await stack.sql`select state, consecutive_failures from routing.provider_breakers where provider = 'anthropic'`;
        deepStrictEqual([breaker.state, breaker.consecutive_failures], ["closed", 6],
          "six timeouts of one tenant, over the threshold of five, do not open the shared circuit");
      } finally {
        stack.sim.reset();
        await resetBreakers(stack.sql);
      }
    });
  } finally {
    await stack.close();
  }
});
