// Supabase's key model through the real function over HTTP: every credential a caller can send,
// accepted as the user or the service role, or refused with its exact status, code and message in
// OpenAI's error shape, writing nothing. The function is given what Supabase gives it (an inline
// SUPABASE_JWKS, named SUPABASE_SECRET_KEYS and SUPABASE_PUBLISHABLE_KEYS, the legacy keys) and,
// on a second server, no legacy JWT secret. No secret appears in any answer or log line.
import { deepStrictEqual, equal, ok } from "node:assert/strict";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { LOCAL_JWT_ISSUER, LOCAL_JWT_SECRET, signUserToken } from "../../scripts/local-keys.mjs";
import { ANTHROPIC_TEST_KEY, auditCounts, createUserWithAgent, e2e, OPENAI_TEST_KEY, post, type Stack, startStack } from "./harness.ts";

const AUTOMATIONS_KEY = "sb_secret_automations-test-key-4f1e9b2c7a61";
const WEB_PUBLISHABLE_KEY = "sb_publishable_web-test-key-0d9e2c4b";
const messages = [{ role: "user", content: "hi" }];

const signing = await generateKeyPair("ES256", { extractable: true });
const stranger = await generateKeyPair("ES256");
const JWKS = JSON.stringify({ keys: [{ ...(await exportJWK(signing.publicKey)), kid: "key-1", alg: "ES256", use: "sig" }] });

const now = () => Math.floor(Date.now() / 1000);

/** A user's access token as Supabase Auth signs it, with `changes` (undefined removes a claim). */
function claimsFor(userId: string, changes: Record<string, unknown> = {}): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    iss: LOCAL_JWT_ISSUER, aud: "authenticated", role: "authenticated", sub: userId, aal: "aal1",
    session_id: crypto.randomUUID(), is_anonymous: false, iat: now(), exp: now() + 600, ...changes,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}
const es256 = (claims: Record<string, unknown>, key = signing.privateKey, kid = "key-1") =>
  new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid, typ: "JWT" }).sign(key);
const hmac = (claims: Record<string, unknown>, { secret = LOCAL_JWT_SECRET, alg = "HS256" } = {}) =>
  new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).sign(new TextEncoder().encode(secret));
const encode = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
const unsigned = (claims: Record<string, unknown>) => `${encode({ alg: "none", typ: "JWT" })}.${encode(claims)}.`;

const ROUTE_ANON = "The anon key alone cannot route completions: send a signed-in user's JWT or the service role key.";
const ROUTE_ROLE = "The token's role may not route completions.";
const refusal = (message: string, code = "invalid_api_key", status = 401, type = "authentication_error") =>
  ({ status, body: { error: { message, type, param: null, code } } });
const BAD_SIGNATURE = refusal("Invalid JWT signature.");

interface Case {
  name: string;
  /** The bearer token (null: no Authorization header). */
  token: (stack: Stack, userId: string) => Promise<string | null>;
  /** "user" / "service": answered 200; otherwise the exact refusal. */
  expected: "user" | "service" | ReturnType<typeof refusal>;
}

const withLegacySecret: Case[] = [
  { name: "an ES256 user, verified with the inline SUPABASE_JWKS", token: (_s, u) => es256(claimsFor(u)), expected: "user" },
  { name: "an HS256 user, while the legacy secret is configured", token: (s, u) => signUserToken(u, s.jwtSecret), expected: "user" },
  { name: "SUPABASE_SERVICE_ROLE_KEY", token: (s) => Promise.resolve(s.serviceKey), expected: "service" },
  { name: "a named key of SUPABASE_SECRET_KEYS", token: () => Promise.resolve(AUTOMATIONS_KEY), expected: "service" },
  { name: "no Authorization header", token: () => Promise.resolve(null),
    expected: refusal("Missing bearer token in the Authorization header.", "missing_authorization") },
  { name: "the anon key", token: (s) => Promise.resolve(s.anonKey), expected: refusal(ROUTE_ANON, "anon_not_allowed") },
  { name: "a publishable key of SUPABASE_PUBLISHABLE_KEYS", token: () => Promise.resolve(WEB_PUBLISHABLE_KEY), expected: refusal(ROUTE_ANON, "anon_not_allowed") },
  { name: "an sb_secret_ key that is not the project's", token: () => Promise.resolve(`${AUTOMATIONS_KEY}x`),
    expected: refusal("The API key is not one of this project's keys.") },
  { name: "a token that is not a JWT", token: () => Promise.resolve("not-a-jwt"), expected: refusal("The bearer token is not a JWT, nor a key of this project.") },
  { name: "alg none", token: (_s, u) => Promise.resolve(unsigned(claimsFor(u))), expected: refusal("Unsigned JWTs (alg none) are refused.") },
  { name: "alg HS512, signed with the legacy secret", token: (_s, u) => hmac(claimsFor(u), { alg: "HS512" }),
    expected: refusal("The JWT's signing algorithm is not accepted.") },
  { name: "a forged HS256 signature", token: (_s, u) => hmac(claimsFor(u), { secret: "another-secret-that-is-long-enough-000" }), expected: BAD_SIGNATURE },
  { name: "a forged ES256 signature under the project's kid", token: (_s, u) => es256(claimsFor(u), stranger.privateKey), expected: BAD_SIGNATURE },
  { name: "a kid neither the inline JWKS nor the project's JWKS URL knows (no auth server locally)",
    token: (_s, u) => es256(claimsFor(u), stranger.privateKey, "key-9"),
    expected: refusal("The JWT could not be verified: the project's JWKS could not be fetched.") },
  { name: "an expired token", token: (_s, u) => es256(claimsFor(u, { iat: now() - 7200, exp: now() - 3600 })), expected: refusal("The JWT has expired.") },
  { name: "a token without exp", token: (_s, u) => es256(claimsFor(u, { exp: undefined })), expected: refusal("The JWT has no valid exp claim.") },
  { name: "the wrong audience", token: (_s, u) => es256(claimsFor(u, { aud: "anon" })), expected: refusal('The JWT\'s audience is not "authenticated".') },
  { name: "another project's issuer", token: (_s, u) => hmac(claimsFor(u, { iss: "https://other.supabase.co/auth/v1" })),
    expected: refusal("The JWT was not issued by this project's auth server.") },
  { name: "no issuer", token: (_s, u) => es256(claimsFor(u, { iss: undefined })), expected: refusal("The JWT was not issued by this project's auth server.") },
  { name: "an anonymous sign-in", token: (_s, u) => es256(claimsFor(u, { is_anonymous: true })),
    expected: refusal("An anonymous sign-in is not a tenant: sign in with a permanent account.", "anonymous_user_not_allowed", 403, "permission_error") },
  { name: "a sub that is not a UUID", token: () => es256(claimsFor("user-1")), expected: refusal("The JWT's subject is not a user id.") },
  { name: "another role", token: (_s, u) => es256(claimsFor(u, { role: "supabase_admin" })), expected: refusal(ROUTE_ROLE) },
  { name: "a JWT claiming service_role, validly signed with the legacy secret", token: () => hmac({ role: "service_role", iss: "supabase-demo", exp: now() + 600 }),
    expected: refusal("A JWT that claims the service_role is not the service role: send the service role key or a secret key (sb_secret_…) itself.") },
];

const withoutLegacySecret: Case[] = [
  { name: "an ES256 user, verified with the inline SUPABASE_JWKS", token: (_s, u) => es256(claimsFor(u)), expected: "user" },
  { name: "a named key of SUPABASE_SECRET_KEYS", token: () => Promise.resolve(AUTOMATIONS_KEY), expected: "service" },
  { name: "an HS256 user, signed with what was the legacy secret", token: (_s, u) => signUserToken(u, LOCAL_JWT_SECRET),
    expected: refusal("HS256 JWTs are not accepted: no legacy JWT secret is configured, the project signs with asymmetric keys.") },
  { name: "the legacy service role key, no longer configured", token: (s) => Promise.resolve(s.serviceKey),
    expected: refusal("HS256 JWTs are not accepted: no legacy JWT secret is configured, the project signs with asymmetric keys.") },
];

const servers: Array<[string, Record<string, string>, Case[]]> = [
  ["with the legacy JWT secret", {}, withLegacySecret],
  // A project that turned the legacy keys off: no JWT secret, no service role JWT, new keys only.
  ["without a legacy JWT secret", { SUPABASE_JWT_SECRET: "", SUPABASE_SERVICE_ROLE_KEY: "" }, withoutLegacySecret],
];

for (const [label, extraEnv, cases] of servers) {
  Deno.test(`route-completion auth ${label}: each credential accepted or refused exactly, no secret leaked`, e2e, async (t) => {
    const stack = await startStack({
      SUPABASE_JWKS: JWKS,
      SUPABASE_SECRET_KEYS: JSON.stringify({ automations: AUTOMATIONS_KEY }),
      SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ web: WEB_PUBLISHABLE_KEY }),
      ...extraEnv,
    });
    const answers: string[] = [];
    try {
      for (const c of cases) {
        await t.step(`${typeof c.expected === "string" ? `${c.expected}: ` : `${c.expected.status}: `}${c.name}`, async () => {
          const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 2.1, executions: 30, successRate: 99 });
          const res = await post(stack.endpoint, await c.token(stack, userId), { agent_id: agentId, messages });
          answers.push(JSON.stringify(res.body));
          if (typeof c.expected === "string") {
            equal(res.status, 200, JSON.stringify(res.body));
            equal(res.body.object, "chat.completion");
            deepStrictEqual(await auditCounts(stack.sql, agentId), { decisions: 1, calls: 1, attempts: 1 });
            const [decision] = await stack.sql`select user_id from routing.decisions where agent_id = ${agentId}`;
            equal(decision.user_id, userId, "the decision is the agent owner's");
          } else {
            deepStrictEqual({ status: res.status, body: res.body }, c.expected);
            deepStrictEqual(await auditCounts(stack.sql, agentId), { decisions: 0, calls: 0, attempts: 0 }, "a refusal writes nothing");
          }
        });
      }
      await t.step("no secret in any answer or log line", () => {
        const secrets = [LOCAL_JWT_SECRET, stack.serviceKey, AUTOMATIONS_KEY, OPENAI_TEST_KEY, ANTHROPIC_TEST_KEY];
        ok(stack.logs().includes("functions: serving"), "the function server's output is captured");
        const printed = [...answers, stack.logs()];
        for (const secret of secrets) equal(printed.some((text) => text.includes(secret)), false, `a secret (${secret.slice(0, 6)}…) was printed`);
      });
    } finally {
      await stack.close();
    }
  });
}
