import { deepStrictEqual } from "node:assert/strict";
import { SignJWT } from "jose";
import { RouterHttpError } from "../http/openai-error.ts";
import { type AuthSettings, type RefusalWording, verifyCaller } from "./verify-caller.ts";

const SECRET = "a-test-jwt-secret-that-is-long-enough-0000";
const settings: AuthSettings = { jwtSecret: SECRET, jwksUrl: null, serviceRoleKey: "sb_secret_test_service_key" };
const wording: RefusalWording = { anon: "no anon here", role: "no such role here" };
const USER = "0D9E2C4B-7A61-4F1E-B2C3-6A5D4E3F2A1B";

const sign = (claims: Record<string, unknown>, secret = SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt().setExpirationTime("1h").sign(new TextEncoder().encode(secret));

/** The verified caller, or the 401's message and code. */
async function verify(authorization: string | null): Promise<unknown> {
  try {
    return await verifyCaller({ authorization, settings, wording });
  } catch (error) {
    if (!(error instanceof RouterHttpError)) throw error;
    return { status: error.status, type: error.type, message: error.message, code: error.code };
  }
}
const refused = (message: string, code = "invalid_api_key") => ({ status: 401, type: "authentication_error", message, code });
/** The claims minus the times jose adds, which vary with the clock. */
const stable = (caller: unknown) => {
  const c = caller as { claims?: Record<string, unknown> | null };
  if (!c.claims) return caller;
  const { iat: _iat, exp: _exp, ...claims } = c.claims;
  return { ...c, claims };
};

Deno.test("verifyCaller: a user's JWT gives the lower-case user id and the verified claims", async () => {
  const claims = { role: "authenticated", sub: USER, email: "a@b.c", app_metadata: { routing_admin: true } };
  deepStrictEqual(stable(await verify(`Bearer ${await sign(claims)}`)), { kind: "user", userId: USER.toLowerCase(), claims });
});

Deno.test("verifyCaller: the service key is the service role, without claims; a service_role JWT with its claims", async () => {
  deepStrictEqual(await verify("Bearer sb_secret_test_service_key"), { kind: "service_role", claims: null });
  deepStrictEqual(stable(await verify(`bearer ${await sign({ role: "service_role" })}`)), { kind: "service_role", claims: { role: "service_role" } });
});

const refusals: Array<[string, () => Promise<string | null>, unknown]> = [
  ["no header", () => Promise.resolve(null), refused("Missing bearer token in the Authorization header.", "missing_authorization")],
  ["a header that is not a bearer", () => Promise.resolve("Basic abc"), refused("Missing bearer token in the Authorization header.", "missing_authorization")],
  ["a token that is not a JWT", () => Promise.resolve("Bearer not-a-jwt"), refused("The bearer token is not a JWT.")],
  ["a token signed with another secret", async () => `Bearer ${await sign({ role: "service_role" }, "x".repeat(40))}`, refused("Invalid or expired JWT.")],
  ["the anon key, in the function's words", async () => `Bearer ${await sign({ role: "anon" })}`, refused("no anon here", "anon_not_allowed")],
  ["another role, in the function's words", async () => `Bearer ${await sign({ role: "supabase_admin" })}`, refused("no such role here")],
  ["a user whose sub is not a UUID", async () => `Bearer ${await sign({ role: "authenticated", sub: "u1" })}`, refused("no such role here")],
];

for (const [name, header, expected] of refusals) {
  Deno.test(`verifyCaller: 401 for ${name}`, async () => deepStrictEqual(await verify(await header()), expected));
}
