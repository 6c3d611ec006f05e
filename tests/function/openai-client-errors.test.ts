// Each refusal of the router as the unmodified `openai` npm client raises it: the SDK's own error
// class for the status, with the router's OpenAI-shaped body as `error` (message, type, param,
// code). The router never answers 429 itself: a provider's rate limit is retried and falls back,
// and when every attempt fails the caller gets the 502 (an APIError) listing them.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { SignJWT } from "jose";
import OpenAI from "openai";
import { LOCAL_JWT_ISSUER } from "../../scripts/local-keys.mjs";
import { auditCounts, createUserWithAgent, e2e, resetBreakers, type Stack, startStack, userToken, fetchAwaitingRecords } from "./harness.ts";

const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "hello" }];

function client(stack: Stack, apiKey: string, headers: Record<string, string> = {}): OpenAI {
  return new OpenAI({ baseURL: `${stack.supabaseUrl}/functions/v1/route-completion/v1`, apiKey, defaultHeaders: headers, maxRetries: 0, fetch: fetchAwaitingRecords });
}

type SdkError = InstanceType<typeof OpenAI.APIError>;

/** What the SDK threw: its class, status and the error body it parsed. */
async function refusal(call: Promise<unknown>): Promise<{ error: SdkError; status: unknown; body: unknown }> {
  const error = await call.then(() => null, (e) => e);
  ok(error instanceof OpenAI.APIError, `expected an APIError, got ${error}`);
  return { error, status: error.status, body: error.error };
}

const body = (message: string, type: string, param: string | null, code: string | null) => ({ message, type, param, code });

Deno.test("router refusals reach the OpenAI SDK as its own error classes", e2e, async (t) => {
  const stack = await startStack({ ROUTER_MAX_BODY_BYTES: "4096" });
  try {
    const owner = await createUserWithAgent(stack.sql, { score: 2.1, executions: 40, successRate: 99 });
    const stranger = await createUserWithAgent(stack.sql, { score: 2.1 });
    const ownerToken = await userToken(stack, owner.userId);
    const create = (sdk: OpenAI, extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {}) =>
      sdk.chat.completions.create({ model: "auto", messages, ...extra });

    await t.step("AuthenticationError 401: the anon key alone, a token that is not a JWT", async () => {
      const anon = await refusal(create(client(stack, stack.anonKey, { "x-agent-id": owner.agentId })));
      ok(anon.error instanceof OpenAI.AuthenticationError);
      deepStrictEqual([anon.status, anon.body], [401, body(
        "The anon key alone cannot route completions: send a signed-in user's JWT or the service role key.",
        "authentication_error", null, "anon_not_allowed",
      )]);
      const garbage = await refusal(client(stack, "not-a-jwt").models.list());
      ok(garbage.error instanceof OpenAI.AuthenticationError);
      deepStrictEqual([garbage.status, (garbage.body as { code: string }).code], [401, "invalid_api_key"]);
    });

    await t.step("PermissionDeniedError 403: an anonymous sign-in is not a tenant", async () => {
      const anonymousUser = await new SignJWT({ role: "authenticated", aud: "authenticated", is_anonymous: true })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" }).setIssuer(LOCAL_JWT_ISSUER).setSubject(owner.userId)
        .setIssuedAt().setExpirationTime("10m").sign(new TextEncoder().encode(stack.jwtSecret));
      const r = await refusal(create(client(stack, anonymousUser, { "x-agent-id": owner.agentId })));
      ok(r.error instanceof OpenAI.PermissionDeniedError);
      deepStrictEqual([r.status, r.body], [403, body(
        "An anonymous sign-in is not a tenant: sign in with a permanent account.", "permission_error", null, "anonymous_user_not_allowed",
      )]);
    });

    await t.step("NotFoundError 404: another user's agent (as a missing one), and an unknown model", async () => {
      const r = await refusal(create(client(stack, await userToken(stack, stranger.userId), { "x-agent-id": owner.agentId })));
      ok(r.error instanceof OpenAI.NotFoundError);
      deepStrictEqual([r.status, r.body], [404, body(`agent ${owner.agentId} not found`, "not_found_error", null, "not_found")]);
      const model = await refusal(create(client(stack, ownerToken, { "x-agent-id": owner.agentId }), { model: "gpt-9-imaginary" }));
      ok(model.error instanceof OpenAI.NotFoundError);
      deepStrictEqual([model.status, (model.body as { code: string }).code, (model.body as { param: string }).param], [404, "model_not_found", "model"]);
      deepStrictEqual(await auditCounts(stack.sql, owner.agentId), { decisions: 0, calls: 0, attempts: 0 });
    });

    const badRequests: Array<[string, () => Promise<unknown>, string, string]> = [
      ["no agent anywhere", () => create(client(stack, ownerToken)), "agent_id", "missing_required_parameter"],
      ["an x-agent-id that is not a UUID", () => create(client(stack, ownerToken, { "x-agent-id": "abc" })), "x-agent-id", "invalid_value"],
      ["a metadata.agent_id that is not a UUID", () => create(client(stack, ownerToken), { metadata: { agent_id: "abc" } }), "metadata.agent_id", "invalid_value"],
      ["an x-execution-id above 200 characters", () => create(client(stack, ownerToken, { "x-agent-id": owner.agentId, "x-execution-id": "x".repeat(201) })),
        "x-execution-id", "invalid_value"],
      ["no messages", () => create(client(stack, ownerToken, { "x-agent-id": owner.agentId }), { messages: [] }), "messages", "invalid_value"],
      ["n = 2", () => create(client(stack, ownerToken, { "x-agent-id": owner.agentId }), { n: 2 }), "n", "invalid_value"],
      ["tool arguments that are not JSON", () => create(client(stack, ownerToken, { "x-agent-id": owner.agentId }), {
        messages: [...messages, { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{oops" } }] }],
      }), "messages[1].tool_calls[0].function.arguments", "invalid_value"],
    ];
    for (const [name, call, param, code] of badRequests) {
      await t.step(`BadRequestError 400 with param ${param}: ${name}, nothing written`, async () => {
        const r = await refusal(call());
        ok(r.error instanceof OpenAI.BadRequestError, String(r.error));
        const b = r.body as { type: string; param: string; code: string };
        deepStrictEqual([r.status, b.type, b.param, b.code, r.error.param], [400, "invalid_request_error", param, code, param]);
        deepStrictEqual(await auditCounts(stack.sql, owner.agentId), { decisions: 0, calls: 0, attempts: 0 });
      });
    }

    await t.step("APIError 413 above the body limit (the SDK has no class of its own for it)", async () => {
      const r = await refusal(create(client(stack, ownerToken, { "x-agent-id": owner.agentId }), { messages: [{ role: "user", content: "x".repeat(5000) }] }));
      deepStrictEqual([r.error instanceof OpenAI.BadRequestError, r.status, (r.body as { code: string }).code], [false, 413, "request_too_large"]);
    });

    await t.step("APIError 502 (InternalServerError) when every attempt fails, with the attempts", async () => {
      await resetBreakers(stack.sql);
      stack.sim.reset();
      stack.sim.script({ error: "server_error", times: "always" });
      const r = await refusal(create(client(stack, ownerToken, { "x-agent-id": owner.agentId })));
      ok(r.error instanceof OpenAI.InternalServerError);
      const b = r.body as { type: string; code: string; attempts: Array<{ status: number; error_type: string }> };
      deepStrictEqual([r.status, b.type, b.attempts.map((a) => [a.status, a.error_type])], [502, "api_error", Array(6).fill([500, "server_error"])]);
      equal(r.error.headers?.get("x-routing-attempts"), "6");
      await resetBreakers(stack.sql);
    });

    await t.step("a provider's 429 on every attempt is retried and falls back, then the 502: never a RateLimitError from the router", async () => {
      const limited = await createUserWithAgent(stack.sql, { score: 2.1, executions: 40, successRate: 99 });
      stack.sim.reset();
      stack.sim.script({ error: "rate_limit", times: "always", retryAfterMs: 1 });
      const r = await refusal(create(client(stack, await userToken(stack, limited.userId), { "x-agent-id": limited.agentId })));
      deepStrictEqual([r.error instanceof OpenAI.RateLimitError, r.error instanceof OpenAI.InternalServerError, r.status], [false, true, 502]);
      const b = r.body as { attempts: Array<{ error_type: string }> };
      ok(b.attempts.length > 1 && b.attempts.every((a) => a.error_type === "rate_limit"), JSON.stringify(b.attempts));
      await resetBreakers(stack.sql);
    });
  } finally {
    await stack.close();
  }
});
