// Asymmetric user JWTs (ES256, as Supabase's newer signing keys issue them) are verified against
// the JWKS when SUPABASE_JWKS_URL is configured; a token from another key is refused.
import { equal } from "node:assert/strict";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createUserWithAgent, e2e, post, startStack } from "./harness.ts";

async function signEs256(privateKey: CryptoKey, kid: string, userId: string): Promise<string> {
  return await new SignJWT({ role: "authenticated", aud: "authenticated" })
    .setProtectedHeader({ alg: "ES256", kid, typ: "JWT" })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(privateKey);
}

Deno.test("route-completion verifies ES256 user tokens with the configured JWKS", e2e, async () => {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const other = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key-1", alg: "ES256", use: "sig" };
  const jwksServer = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => Response.json({ keys: [jwk] }));
  const stack = await startStack({ SUPABASE_JWKS_URL: `http://127.0.0.1:${jwksServer.addr.port}/auth/v1/.well-known/jwks.json` });
  try {
    const { userId, agentId } = await createUserWithAgent(stack.sql, { score: 2.1 });
    const messages = [{ role: "user", content: "hi" }];
    const good = await post(stack.endpoint, await signEs256(privateKey, "test-key-1", userId), { agent_id: agentId, messages });
    equal(good.status, 200, JSON.stringify(good.body));
    const forged = await post(stack.endpoint, await signEs256(other.privateKey, "test-key-1", userId), { agent_id: agentId, messages });
    equal(forged.status, 401);
  } finally {
    await stack.close();
    await jwksServer.shutdown();
  }
});
