// The local project's JWT secret and API keys: the same well-known demo values `supabase start`
// uses, so tools and docs that assume them work here. Local use only.
import { SignJWT } from "jose";

export const LOCAL_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";
const DEMO_EXPIRY = 1983812996; // what the Supabase CLI signs its demo keys with

/** @param {"anon" | "service_role"} role */
async function signDemoKey(role) {
  return await new SignJWT({ iss: "supabase-demo", role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setExpirationTime(DEMO_EXPIRY)
    .sign(new TextEncoder().encode(LOCAL_JWT_SECRET));
}

/**
 * Signs a user's access token as GoTrue would (role authenticated, sub = user id).
 * @param {string} userId
 * @param {string} [secret]
 * @param {{ expiresIn?: string, email?: string }} [options]
 */
export async function signUserToken(userId, secret = LOCAL_JWT_SECRET, { expiresIn = "1h", email } = {}) {
  return await new SignJWT({ role: "authenticated", aud: "authenticated", ...(email ? { email } : {}) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

export async function localKeys() {
  return {
    SUPABASE_JWT_SECRET: LOCAL_JWT_SECRET,
    SUPABASE_ANON_KEY: await signDemoKey("anon"),
    SUPABASE_SERVICE_ROLE_KEY: await signDemoKey("service_role"),
  };
}
