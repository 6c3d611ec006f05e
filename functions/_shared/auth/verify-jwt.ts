// A bearer JWT's signature and lifetime, checked against Supabase's key model: asymmetric tokens
// (ES256 / RS256 / EdDSA) with the project's JWKS — the inline SUPABASE_JWKS first, no network,
// then the JWKS URL (a key rotated since the function started) — and HS256 only while the legacy
// JWT secret is configured. `alg: none` and any other algorithm are refused before any key is
// looked at, so a token cannot choose how it is checked. `exp` is required. What the claims mean
// (role, audience, issuer, subject) is decided by the caller of this module.
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, joseErrors, type JSONWebKeySet, type JWTPayload, jwtVerify } from "../deps.ts";
import { RouterHttpError } from "../http/openai-error.ts";
import { log, redactSecrets } from "../log.ts";
import type { AuthSettings } from "./auth-settings.ts";
import { type VerifiedTokens, verifiedTokens } from "./verified-tokens.ts";

/** The algorithms of Supabase's asymmetric signing keys. */
export const ASYMMETRIC_ALGORITHMS: readonly string[] = ["ES256", "RS256", "EdDSA"];
/** Clock skew allowed on `exp` and `nbf`, in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 30;

type KeySet = ReturnType<typeof createLocalJWKSet> | ReturnType<typeof createRemoteJWKSet>;

const localSets = new WeakMap<JSONWebKeySet, ReturnType<typeof createLocalJWKSet>>();
const remoteSets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

export const invalidToken = (message: string) => new RouterHttpError(401, message, { type: "authentication_error", code: "invalid_api_key" });

/** Tokens this isolate verified, per settings (a different secret or key set never sees another's). */
const memos = new WeakMap<AuthSettings, VerifiedTokens<JWTPayload>>();
/** A token is checked again at least every 5 minutes, and the memo holds at most 1,000 of them. */
const MEMO = { maxEntries: 1_000, maxAgeSeconds: 300 };

/** The token's verified claims; a token verified before (and still within its exp) is not checked again. */
export async function verifyJwt({ token, settings }: { token: string; settings: AuthSettings }): Promise<JWTPayload> {
  let memo = memos.get(settings);
  if (!memo) memos.set(settings, memo = verifiedTokens<JWTPayload>(MEMO));
  const now = Date.now() / 1000;
  const known = memo.get(token, now);
  if (known) return known;
  // Frozen: the one payload is handed to every call that presents this token.
  const payload = Object.freeze(await verifyUncached(token, settings));
  if (typeof payload.exp === "number") memo.set(token, payload, payload.exp, now);
  return payload;
}

async function verifyUncached(token: string, settings: AuthSettings): Promise<JWTPayload> {
  const alg = headerAlg(token);
  if (alg.toLowerCase() === "none") throw invalidToken("Unsigned JWTs (alg none) are refused.");
  if (alg === "HS256") {
    if (!settings.jwtSecret) throw invalidToken("HS256 JWTs are not accepted: no legacy JWT secret is configured, the project signs with asymmetric keys.");
    try {
      return await check(token, new TextEncoder().encode(settings.jwtSecret), ["HS256"]);
    } catch (error) {
      throw tokenRefusal(error);
    }
  }
  if (!ASYMMETRIC_ALGORITHMS.includes(alg)) throw invalidToken("The JWT's signing algorithm is not accepted.");

  const local = settings.jwks ? localSet(settings.jwks) : null;
  const remote = settings.jwksUrl ? remoteSet(settings.jwksUrl) : null;
  if (local) {
    try {
      return await check(token, local, ASYMMETRIC_ALGORITHMS);
    } catch (error) {
      // Only a key the inline set does not know sends us to the network (a rotation since start).
      if (!(remote && error instanceof joseErrors.JWKSNoMatchingKey)) throw tokenRefusal(error);
    }
  }
  if (!remote) throw invalidToken("Asymmetric JWTs are not accepted: no JWKS is configured.");
  try {
    return await check(token, remote, ASYMMETRIC_ALGORITHMS);
  } catch (error) {
    const refusal = refusalFor(error);
    if (refusal) throw refusal;
    // The token could not be checked at all: the JWKS is unreachable or is not a JWKS.
    log("warn", "jwks_unavailable", { jwks_url: settings.jwksUrl, reason: redactSecrets(error instanceof Error ? error.message : String(error)) });
    throw invalidToken("The JWT could not be verified: the project's JWKS could not be fetched.");
  }
}

function headerAlg(token: string): string {
  try {
    const { alg } = decodeProtectedHeader(token);
    if (typeof alg === "string") return alg;
  } catch { /* not a JWT */ }
  throw invalidToken("The bearer token is not a JWT, nor a key of this project.");
}

const NO_KEY = "Invalid JWT signature.";

/** The signature against `key` (restricted to `algorithms`), `exp` present and not past. */
async function check(token: string, key: Uint8Array | KeySet, algorithms: readonly string[]): Promise<JWTPayload> {
  const options = { algorithms: [...algorithms], requiredClaims: ["exp"], clockTolerance: CLOCK_TOLERANCE_SECONDS };
  const { payload } = key instanceof Uint8Array ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
  return payload;
}

/** With a key at hand (the secret, the inline set) any jose error is the token's fault. */
function tokenRefusal(error: unknown): unknown {
  return refusalFor(error) ?? (error instanceof joseErrors.JOSEError ? invalidToken("The bearer token is not a valid JWT.") : error);
}

/** A jose refusal in the caller's words; null for anything else (a JWKS fault, a bug). */
function refusalFor(error: unknown): RouterHttpError | null {
  if (error instanceof joseErrors.JWTExpired) return invalidToken("The JWT has expired.");
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "exp") return invalidToken("The JWT has no valid exp claim.");
    if (error.claim === "nbf") return invalidToken("The JWT is not valid yet.");
    return invalidToken("The JWT's claims are invalid.");
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof joseErrors.JWKSNoMatchingKey) return invalidToken(NO_KEY);
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) return invalidToken(NO_KEY);
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) return invalidToken("The bearer token is not a valid JWT.");
  if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) return invalidToken("The JWT's signing algorithm is not accepted.");
  return null;
}

function localSet(jwks: JSONWebKeySet): ReturnType<typeof createLocalJWKSet> {
  let set = localSets.get(jwks);
  if (!set) localSets.set(jwks, set = createLocalJWKSet(jwks));
  return set;
}

function remoteSet(url: string): ReturnType<typeof createRemoteJWKSet> {
  let set = remoteSets.get(url);
  // jose caches the set for 10 minutes (as Supabase's edge does) and refetches at most every 30 s
  // for an unknown kid, so forged kids cannot make the function hammer the endpoint.
  if (!set) remoteSets.set(url, set = createRemoteJWKSet(new URL(url), { timeoutDuration: 3_000 }));
  return set;
}
