// verifyJwt's memo of verified tokens (issue 12): a token checked once is not checked again while
// it is good, and the memo belongs to one set of settings, so other keys never accept it from there.
import { deepStrictEqual, rejects, strictEqual } from "node:assert/strict";
import { SignJWT } from "jose";
import { RouterHttpError } from "../http/openai-error.ts";
import type { AuthSettings } from "./auth-settings.ts";
import { verifyJwt } from "./verify-jwt.ts";

const SECRET = "a-test-jwt-secret-that-is-long-enough-0000";
const base: AuthSettings = { jwtSecret: SECRET, jwks: null, jwksUrl: null, jwtIssuer: null, serviceKeys: [], publishableKeys: [] };

const sign = (claims: Record<string, unknown>, secret = SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(secret));

Deno.test("verifyJwt: a token verified twice under the same settings yields the one frozen payload", async () => {
  const settings = { ...base };
  const token = await sign({ sub: "u-1", exp: Math.floor(Date.now() / 1000) + 3600 });
  const first = await verifyJwt({ token, settings });
  const second = await verifyJwt({ token, settings });
  strictEqual(second, first);
  deepStrictEqual([Object.isFrozen(first), first.sub], [true, "u-1"]);
});

Deno.test("verifyJwt: a token verified under one secret is checked afresh, and refused, under another", async () => {
  const token = await sign({ sub: "u-2", exp: Math.floor(Date.now() / 1000) + 3600 });
  await verifyJwt({ token, settings: { ...base } });
  await rejects(verifyJwt({ token, settings: { ...base, jwtSecret: "another-secret-that-is-long-enough-11111" } }), (error) => {
    deepStrictEqual([error instanceof RouterHttpError, (error as RouterHttpError).status, (error as Error).message], [true, 401, "Invalid JWT signature."]);
    return true;
  });
});

Deno.test("verifyJwt: an expired token is refused and not remembered", async () => {
  const settings = { ...base };
  const token = await sign({ sub: "u-3", exp: Math.floor(Date.now() / 1000) - 120 });
  for (let i = 0; i < 2; i++) await rejects(verifyJwt({ token, settings }), /The JWT has expired\./);
});
