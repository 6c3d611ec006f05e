import { deepStrictEqual } from "node:assert/strict";
import { SignJWT } from "jose";
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import { verifyDashboardCaller } from "./auth.ts";

const SECRET = "a-test-jwt-secret-that-is-long-enough-0000";
const settings = { jwtSecret: SECRET, jwks: null, jwksUrl: null, jwtIssuer: null, serviceKeys: ["sb_secret_test_service_key"], publishableKeys: [] };
const USER = "0d9e2c4b-7a61-4f1e-b2c3-6a5d4e3f2a1b";

const bearer = async (claims: Record<string, unknown>) =>
  `Bearer ${await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setIssuedAt().setExpirationTime("1h").sign(new TextEncoder().encode(SECRET))}`;

async function verify(authorization: string): Promise<unknown> {
  try {
    return await verifyDashboardCaller(authorization, settings);
  } catch (error) {
    if (!(error instanceof RouterHttpError)) throw error;
    return { status: error.status, message: error.message, code: error.code };
  }
}

const user = (extra: Record<string, unknown>) => ({ role: "authenticated", aud: "authenticated", sub: USER, ...extra });
const notAdmin = {
  status: 403, code: "not_routing_admin",
  message: "This user is not a routing admin: the dashboard needs the service role key or a user whose app_metadata.routing_admin is true.",
};

const rows: Array<[string, () => Promise<string>, unknown]> = [
  ["the service key acts as service_role", () => Promise.resolve("Bearer sb_secret_test_service_key"),
    { kind: "service", actor: "service_role", userId: null, dbClaims: { role: "service_role", email: "service_role" } }],
  ["a routing admin acts as service_role under their own email", () => bearer(user({ email: "ops@x.io", app_metadata: { routing_admin: true } })),
    { kind: "admin", actor: "ops@x.io", userId: USER,
      dbClaims: { role: "service_role", sub: USER, email: "ops@x.io", routing_admin: true, via: "routing-dashboard" } }],
  ["an admin without an email is named by their id", () => bearer(user({ app_metadata: { routing_admin: true } })),
    { kind: "admin", actor: USER, userId: USER, dbClaims: { role: "service_role", sub: USER, routing_admin: true, via: "routing-dashboard" } }],
  ["a user without the flag is refused", () => bearer(user({ app_metadata: {} })), notAdmin],
  ["a flag that is only truthy is refused", () => bearer(user({ app_metadata: { routing_admin: "true" } })), notAdmin],
  ["the anon key is refused in the dashboard's words", () => bearer({ role: "anon" }),
    { status: 401, code: "anon_not_allowed", message: "The anon key cannot use the routing dashboard: enter the service role key or a routing admin's JWT." }],
  ["another role is refused in the dashboard's words", () => bearer({ role: "supabase_admin" }),
    { status: 401, code: "invalid_api_key", message: "The token's role may not use the routing dashboard." }],
];

for (const [name, header, expected] of rows) {
  Deno.test(`dashboard auth: ${name}`, async () => deepStrictEqual(await verify(await header()), expected));
}
