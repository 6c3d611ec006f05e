// The local project's JWT secret and API keys: the same well-known demo values `supabase start`
// uses, so tools and docs that assume them work here. Local use only.
//
// Locally there is no auth server: this module stands in for it. It signs users' access tokens
// as Supabase Auth does (HS256 with the legacy secret, `iss` = the local project's auth URL) and
// hands the function the variables Supabase gives every function, shaped as the CLI gives them
// locally: the legacy keys, and SUPABASE_SECRET_KEYS / SUPABASE_PUBLISHABLE_KEYS as JSON objects
// whose `default` entry is the same legacy key. SUPABASE_JWT_ISSUER tells the function which
// issuer that is, since the function server's own SUPABASE_URL may be on another port.
import { SignJWT } from "jose";

export const LOCAL_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";
/** The local project's URL (`supabase start`'s API port); its auth server signs as `<url>/auth/v1`. */
export const LOCAL_SUPABASE_URL = "http://127.0.0.1:54321";
export const LOCAL_JWT_ISSUER = `${LOCAL_SUPABASE_URL}/auth/v1`;
const DEMO_EXPIRY = 1983812996; // what the Supabase CLI signs its demo keys with

/** @param {"anon" | "service_role"} role */
async function signDemoKey(role) {
  return await new SignJWT({ iss: "supabase-demo", role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setExpirationTime(DEMO_EXPIRY)
    .sign(new TextEncoder().encode(LOCAL_JWT_SECRET));
}

/**
 * Signs a user's access token as Supabase Auth would: role and aud `authenticated`, sub = the
 * user id, iss = the local auth URL, a session, `is_anonymous: false`.
 * @param {string} userId
 * @param {string} [secret]
 * @param {{ expiresIn?: string, email?: string, issuer?: string }} [options]
 */
export async function signUserToken(userId, secret = LOCAL_JWT_SECRET, { expiresIn = "1h", email, issuer = LOCAL_JWT_ISSUER } = {}) {
  return await new SignJWT({
    role: "authenticated",
    aud: "authenticated",
    aal: "aal1",
    session_id: crypto.randomUUID(),
    is_anonymous: false,
    ...(email ? { email } : {}),
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(issuer)
    .setSubject(userId)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

export async function localKeys() {
  const anonKey = await signDemoKey("anon");
  const serviceKey = await signDemoKey("service_role");
  return {
    SUPABASE_JWT_SECRET: LOCAL_JWT_SECRET,
    SUPABASE_JWT_ISSUER: LOCAL_JWT_ISSUER,
    SUPABASE_ANON_KEY: anonKey,
    SUPABASE_SERVICE_ROLE_KEY: serviceKey,
    SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: anonKey }),
    SUPABASE_SECRET_KEYS: JSON.stringify({ default: serviceKey }),
  };
}
