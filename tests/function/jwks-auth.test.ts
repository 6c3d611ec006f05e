// Asymmetric user JWTs (ES256, as Supabase's signing keys issue them) verified against the
// project's JWKS URL over the network: when no inline SUPABASE_JWKS is given, and behind an inline
// set that predates a key rotation. A token from another key is refused, and nothing is written.
import { deepStrictEqual, equal } from "node:assert/strict";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { LOCAL_JWT_ISSUER } from "../../scripts/local-keys.mjs";
import { auditCounts, createUserWithAgent, e2e, post, startStack } from "./harness.ts";

async function signEs256(privateKey: CryptoKey, kid: string, userId: string): Promise<string> {
  return await new SignJWT({ role: "authenticated", aud: "authenticated", is_anonymous: false })
    .setProtectedHeader({ alg: "ES256", kid, typ: "JWT" })
    .setIssuer(LOCAL_JWT_ISSUER)
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(privateKey);
}

const first = await generateKeyPair("ES256", { extractable: true });
const rotated = await generateKeyPair("ES256", { extractable: true });
const other = await generateKeyPair("ES256");
const jwk = async (key: CryptoKey, kid: string) => ({ ...(await exportJWK(key)), kid, alg: "ES256", use: "sig" });

const setups: Array<[string, (jwksUrl: string) => Promise<Record<string, string>>]> = [
  ["the JWKS URL alone (no inline SUPABASE_JWKS)", (jwksUrl) => Promise.resolve({ SUPABASE_JWKS_URL: jwksUrl })],
  ["the JWKS URL behind an inline SUPABASE_JWKS that predates the rotation", async (jwksUrl) => ({
    SUPABASE_JWKS_URL: jwksUrl,
    SUPABASE_JWKS: JSON.stringify({ keys: [await jwk(first.publicKey, "key-1")] }),
  })],
];

for (const [name, env] of setups) {
  Deno.test(`route-completion verifies ES256 user tokens with ${name}`, e2e, async () => {
    const served = { keys: [await jwk(first.publicKey, "key-1"), await jwk(rotated.publicKey, "key-2")] };
    const jwksServer = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => Response.json(served));
    const stack = await startStack(await env(`http://127.0.0.1:${jwksServer.addr.port}/auth/v1/.well-known/jwks.json`));
    try {
      const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 2.1 });
      const messages = [{ role: "user", content: "hi" }];
      const good = await post(stack.endpoint, await signEs256(rotated.privateKey, "key-2", userId), { agent_id: agentId, messages });
      equal(good.status, 200, JSON.stringify(good.body));
      const forged = await post(stack.endpoint, await signEs256(other.privateKey, "key-2", userId), { agent_id: agentId, messages });
      deepStrictEqual({ status: forged.status, body: forged.body }, { status: 401, body: { error: { message: "Invalid JWT signature.", type: "authentication_error", param: null, code: "invalid_api_key" } } });
      deepStrictEqual(await auditCounts(stack.sql, agentId), { decisions: 1, calls: 1, attempts: 1 });
    } finally {
      await stack.close();
      await jwksServer.shutdown();
    }
  });
}
