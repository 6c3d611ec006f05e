// verifyCaller, one row per credential: what it is accepted as, or the exact refusal. Real
// tokens (jose signs them: HS256 with the legacy secret, ES256 with an inline JWKS key), real
// key comparisons; the remote JWKS cases serve a real JWKS on loopback.
import { deepStrictEqual } from "node:assert/strict";
import { CompactSign, exportJWK, generateKeyPair, SignJWT } from "jose";
import { RouterHttpError } from "../http/openai-error.ts";
import type { AuthSettings } from "./auth-settings.ts";
import { type RefusalWording, verifyCaller } from "./verify-caller.ts";

/** One clock reading for the whole file: a token's claims and the expected claims never straddle a second. */
const NOW_SECONDS = Math.floor(Date.now() / 1000);

const SECRET = "a-test-jwt-secret-that-is-long-enough-0000";
const ISSUER = "https://abcdefghijklmnopqrst.supabase.co/auth/v1";
const USER = "0D9E2C4B-7A61-4F1E-B2C3-6A5D4E3F2A1B";
const SERVICE_ROLE_KEY = "sb_secret_legacy-service-role-key-0000";
const SECRET_KEY = "sb_secret_automations-key-1111111111";
const PUBLISHABLE_KEY = "sb_publishable_default-key-222222222";
const ANON_JWT = await hs({ iss: "supabase", role: "anon", exp: inSeconds(3600) });
const wording: RefusalWording = { anon: "no anon here", role: "no such role here" };

const signing = await generateKeyPair("ES256", { extractable: true });
const rotated = await generateKeyPair("ES256", { extractable: true });
const stranger = await generateKeyPair("ES256");
const publicJwk = async (key: CryptoKey, kid: string) => ({ ...(await exportJWK(key)), kid, alg: "ES256", use: "sig" });

const settings: AuthSettings = {
  jwtSecret: SECRET,
  jwks: { keys: [await publicJwk(signing.publicKey, "key-1")] },
  jwksUrl: null,
  jwtIssuer: ISSUER,
  serviceKeys: [SERVICE_ROLE_KEY, SECRET_KEY],
  publishableKeys: [PUBLISHABLE_KEY, ANON_JWT],
};

function inSeconds(seconds: number): number {
  return NOW_SECONDS + seconds;
}

/** A user's claims as Supabase Auth issues them, with `changes` applied (undefined removes one). */
function userClaims(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    iss: ISSUER, aud: "authenticated", role: "authenticated", sub: USER, aal: "aal1", session_id: "s-1",
    is_anonymous: false, email: "a@b.c", iat: inSeconds(0), exp: inSeconds(3600), ...changes,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

async function hs(claims: Record<string, unknown>, { secret = SECRET, alg = "HS256" } = {}): Promise<string> {
  return await new SignJWT(claims).setProtectedHeader({ alg, typ: "JWT" }).sign(new TextEncoder().encode(secret));
}

async function es(claims: Record<string, unknown>, { key = signing.privateKey, kid = "key-1" } = {}): Promise<string> {
  return await new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid, typ: "JWT" }).sign(key);
}

/** An unsigned token, as an attacker would write one. */
function unsigned(claims: Record<string, unknown>, alg = "none"): string {
  const part = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${part({ alg, typ: "JWT" })}.${part(claims)}.`;
}

/** The verified caller, or the refusal's status, type, code and message. */
async function verify(headers: { authorization?: string | null; apikey?: string | null }, given = settings): Promise<unknown> {
  try {
    return await verifyCaller({ authorization: headers.authorization ?? null, apikey: headers.apikey, settings: given, wording });
  } catch (error) {
    if (!(error instanceof RouterHttpError)) throw error;
    return { status: error.status, type: error.type, code: error.code, message: error.message };
  }
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const refused = (message: string, code = "invalid_api_key") => ({ status: 401, type: "authentication_error", code, message });
const asUser = (claims: Record<string, unknown>) => ({ kind: "user", userId: USER.toLowerCase(), claims });
const SERVICE = { kind: "service_role", claims: null };
const BAD_SIGNATURE = refused("Invalid JWT signature.");

type Row = [name: string, headers: () => Promise<{ authorization?: string | null; apikey?: string | null }>, expected: unknown, given?: AuthSettings];

const rows: Row[] = [
  // Accepted.
  ["an ES256 user verified with the inline JWKS, no network", async () => bearer(await es(userClaims())), asUser(userClaims())],
  ["an HS256 user while the legacy secret is configured", async () => bearer(await hs(userClaims())), asUser(userClaims())],
  ["a user whose aud is a list holding authenticated", async () => bearer(await es(userClaims({ aud: ["x", "authenticated"] }))),
    asUser(userClaims({ aud: ["x", "authenticated"] }))],
  ["a token 10 s past exp (within the clock tolerance)", async () => bearer(await es(userClaims({ exp: inSeconds(-10) }))),
    asUser(userClaims({ exp: inSeconds(-10) }))],
  ["any claims when no issuer is known, the issuer unchecked", async () => bearer(await hs(userClaims({ iss: "elsewhere" }))),
    asUser(userClaims({ iss: "elsewhere" })), { ...settings, jwtIssuer: null }],
  ["the service role key", () => Promise.resolve(bearer(SERVICE_ROLE_KEY)), SERVICE],
  ["a secret key of SUPABASE_SECRET_KEYS", () => Promise.resolve(bearer(SECRET_KEY)), SERVICE],
  ["a secret key on the apikey header alone", () => Promise.resolve({ apikey: SECRET_KEY }), SERVICE],
  ["a secret key on apikey beside the anon key as bearer (supabase-js)", () => Promise.resolve({ ...bearer(ANON_JWT), apikey: SECRET_KEY }), SERVICE],
  ["a user's JWT beside the publishable key on apikey (supabase-js)", async () => ({ ...bearer(await es(userClaims())), apikey: PUBLISHABLE_KEY }),
    asUser(userClaims())],

  // The request carries no usable credential.
  ["no header", () => Promise.resolve({}), refused("Missing bearer token in the Authorization header.", "missing_authorization")],
  ["a header that is not a bearer", () => Promise.resolve({ authorization: "Basic abc" }),
    refused("Missing bearer token in the Authorization header.", "missing_authorization")],
  ["an unknown apikey alone", () => Promise.resolve({ apikey: "sb_secret_guess" }),
    refused("Missing bearer token in the Authorization header.", "missing_authorization")],
  ["a token that is not a JWT", () => Promise.resolve(bearer("not-a-jwt")), refused("The bearer token is not a JWT, nor a key of this project.")],
  ["an sb_secret_ key that is not the project's", () => Promise.resolve(bearer("sb_secret_guess-0000000000")),
    refused("The API key is not one of this project's keys.")],
  ["a prefix of the service role key", () => Promise.resolve(bearer(SERVICE_ROLE_KEY.slice(0, -1))),
    refused("The API key is not one of this project's keys.")],

  // The anon role, in the function's words.
  ["the anon key", () => Promise.resolve(bearer(ANON_JWT)), refused("no anon here", "anon_not_allowed")],
  ["a publishable key", () => Promise.resolve(bearer(PUBLISHABLE_KEY)), refused("no anon here", "anon_not_allowed")],
  ["a publishable key on apikey alone", () => Promise.resolve({ apikey: PUBLISHABLE_KEY }), refused("no anon here", "anon_not_allowed")],
  ["another validly signed anon JWT", async () => bearer(await hs({ role: "anon", exp: inSeconds(60) })), refused("no anon here", "anon_not_allowed")],

  // Signatures and algorithms.
  ["alg none", () => Promise.resolve(bearer(unsigned(userClaims()))), refused("Unsigned JWTs (alg none) are refused.")],
  ["alg NONE", () => Promise.resolve(bearer(unsigned(userClaims(), "NONE"))), refused("Unsigned JWTs (alg none) are refused.")],
  ["alg HS512 with the legacy secret", async () => bearer(await hs(userClaims(), { alg: "HS512" })), refused("The JWT's signing algorithm is not accepted.")],
  ["an HS256 token signed with another secret", async () => bearer(await hs(userClaims(), { secret: "x".repeat(40) })), BAD_SIGNATURE],
  ["an ES256 token from a stranger's key under the project's kid", async () => bearer(await es(userClaims(), { key: stranger.privateKey })), BAD_SIGNATURE],
  ["an ES256 token with a kid the JWKS does not hold", async () => bearer(await es(userClaims(), { kid: "key-9" })), BAD_SIGNATURE],
  ["a token with a header but only two segments", () => Promise.resolve(bearer(`${btoa('{"alg":"ES256","kid":"key-1"}')}.e30`)),
    refused("The bearer token is not a JWT, nor a key of this project.")],
  ["a validly signed token whose payload is not a claims object", async () =>
    bearer(await new CompactSign(new TextEncoder().encode("not-json")).setProtectedHeader({ alg: "ES256", kid: "key-1" }).sign(signing.privateKey)),
    refused("The bearer token is not a valid JWT.")],
  ["a user's payload under a signature cut off", async () => bearer((await es(userClaims())).replace(/\.[^.]+$/, ".AAAA")), BAD_SIGNATURE],
  ["an HS256 user without the legacy secret", async () => bearer(await hs(userClaims())),
    refused("HS256 JWTs are not accepted: no legacy JWT secret is configured, the project signs with asymmetric keys."), { ...settings, jwtSecret: null }],
  ["an ES256 user with no JWKS configured", async () => bearer(await es(userClaims())),
    refused("Asymmetric JWTs are not accepted: no JWKS is configured."), { ...settings, jwks: null }],

  // Lifetime.
  ["an expired token", async () => bearer(await es(userClaims({ exp: inSeconds(-120) }))), refused("The JWT has expired.")],
  ["a token without exp", async () => bearer(await es(userClaims({ exp: undefined }))), refused("The JWT has no valid exp claim.")],
  ["a token whose exp is a string", async () => bearer(await hs(userClaims({ exp: "never" }))), refused("The JWT has no valid exp claim.")],
  ["a token not valid before an hour from now", async () => bearer(await es(userClaims({ nbf: inSeconds(3600) }))), refused("The JWT is not valid yet.")],

  // What the token claims.
  ["a JWT claiming service_role, signed with the legacy secret", async () => bearer(await hs({ role: "service_role", exp: inSeconds(60) })),
    refused("A JWT that claims the service_role is not the service role: send the service role key or a secret key (sb_secret_…) itself.")],
  ["another role, in the function's words", async () => bearer(await es(userClaims({ role: "supabase_admin" }))), refused("no such role here")],
  ["no role", async () => bearer(await es(userClaims({ role: undefined }))), refused("no such role here")],
  ["the wrong audience", async () => bearer(await es(userClaims({ aud: "anon" }))), refused('The JWT\'s audience is not "authenticated".')],
  ["no audience", async () => bearer(await es(userClaims({ aud: undefined }))), refused('The JWT\'s audience is not "authenticated".')],
  ["another project's issuer", async () => bearer(await es(userClaims({ iss: "https://other.supabase.co/auth/v1" }))),
    refused("The JWT was not issued by this project's auth server.")],
  ["no issuer", async () => bearer(await hs(userClaims({ iss: undefined }))), refused("The JWT was not issued by this project's auth server.")],
  ["a sub that is not a UUID", async () => bearer(await es(userClaims({ sub: "u1" }))), refused("The JWT's subject is not a user id.")],
  ["an anonymous sign-in", async () => bearer(await es(userClaims({ is_anonymous: true }))),
    { status: 403, type: "permission_error", code: "anonymous_user_not_allowed", message: "An anonymous sign-in is not a tenant: sign in with a permanent account." }],
];

for (const [name, headers, expected, given = settings] of rows) {
  Deno.test(`verifyCaller: ${name}`, async () => {
    const before = structuredClone(given);
    deepStrictEqual(await verify(await headers(), given), expected);
    deepStrictEqual(given, before, "the settings are not mutated");
  });
}

Deno.test("verifyCaller: the JWKS URL when no inline JWKS; after a rotation, the URL behind the inline set; an unreachable URL refuses", async () => {
  const served = { keys: [await publicJwk(signing.publicKey, "key-1"), await publicJwk(rotated.publicKey, "key-2")] };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => Response.json(served));
  const jwksUrl = `http://127.0.0.1:${server.addr.port}/auth/v1/.well-known/jwks.json`;
  try {
    deepStrictEqual(await verify(bearer(await es(userClaims())), { ...settings, jwks: null, jwksUrl }), asUser(userClaims()));
    const afterRotation = await es(userClaims(), { key: rotated.privateKey, kid: "key-2" });
    deepStrictEqual(await verify(bearer(afterRotation), { ...settings, jwksUrl }), asUser(userClaims()));
    deepStrictEqual(await verify(bearer(afterRotation)), BAD_SIGNATURE, "without a URL the inline set is all there is");
    deepStrictEqual(await verify(bearer(await es(userClaims(), { key: stranger.privateKey, kid: "key-2" })), { ...settings, jwksUrl }), BAD_SIGNATURE);
  } finally {
    await server.shutdown();
  }
  const closed = `http://127.0.0.1:${server.addr.port}/auth/v1/.well-known/jwks.json`;
  deepStrictEqual(await verify(bearer(await es(userClaims(), { kid: "key-3" })), { ...settings, jwks: null, jwksUrl: closed.replace("/auth", "/closed/auth") }),
    refused("The JWT could not be verified: the project's JWKS could not be fetched."));
});
