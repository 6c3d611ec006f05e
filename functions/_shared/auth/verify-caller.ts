// Who is calling (ROUTING-SPEC §8), in Supabase's key model: a signed-in user's JWT acts for that
// user; the service role is a KEY — the service role key or one of the project's secret keys
// (sb_secret_…), matched exactly in constant time — never a JWT that merely claims the role; the
// anon / publishable key alone is refused, and so is an anonymous sign-in (not a tenant). User
// JWTs are checked by verify-jwt.ts (signature, algorithm, exp) and here for what they claim:
// role authenticated, aud authenticated, iss = the project's auth URL when known, sub a UUID.
// The answer carries the verified claims, so no caller decodes the token again. Ownership itself
// is enforced in the database with the verified user id.
import type { JWTPayload } from "../deps.ts";
import { isUuid } from "../http/ids.ts";
import { RouterHttpError } from "../http/openai-error.ts";
import type { AuthSettings } from "./auth-settings.ts";
import { matchesAnyKey } from "./key-match.ts";
import { invalidToken, verifyJwt } from "./verify-jwt.ts";

export type { AuthSettings } from "./auth-settings.ts";

/** A verified JWT payload. */
export type Claims = Readonly<Record<string, unknown>>;

export type VerifiedCaller =
  /** `claims` is null: the service role is a key compared whole, not a token whose claims count. */
  | { kind: "service_role"; claims: Claims | null }
  | { kind: "user"; userId: string; claims: Claims };

/** How a function words the two refusals that depend on what it serves. */
export interface RefusalWording {
  /** A valid anon key and nothing else. */
  anon: string;
  /** A valid token whose role is neither authenticated nor service_role. */
  role: string;
}

const missing = () =>
  new RouterHttpError(401, "Missing bearer token in the Authorization header.", { type: "authentication_error", code: "missing_authorization" });
const anonRefused = (wording: RefusalWording) =>
  new RouterHttpError(401, wording.anon, { type: "authentication_error", code: "anon_not_allowed" });

export async function verifyCaller(
  { authorization, apikey = null, settings, wording }: {
    authorization: string | null;
    /** The `apikey` header, where Supabase's docs send sb_secret_… / sb_publishable_… keys. */
    apikey?: string | null;
    settings: AuthSettings;
    wording: RefusalWording;
  },
): Promise<VerifiedCaller> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1] ?? null;
  const key = apikey?.trim() || null;
  // Keys first, on either header (supabase-js sends its key in both).
  for (const candidate of [bearer, key]) {
    if (candidate && matchesAnyKey({ candidate, keys: settings.serviceKeys })) return { kind: "service_role", claims: null };
  }
  if (!bearer) {
    if (key && matchesAnyKey({ candidate: key, keys: settings.publishableKeys })) throw anonRefused(wording);
    throw missing();
  }
  if (matchesAnyKey({ candidate: bearer, keys: settings.publishableKeys })) throw anonRefused(wording);
  if (/^sb_(secret|publishable)_/.test(bearer)) throw invalidToken("The API key is not one of this project's keys.");

  const claims = await verifyJwt({ token: bearer, settings });
  return userFromClaims({ claims, issuer: settings.jwtIssuer, wording });
}

/** What a verified JWT may act as: a user, or a refusal naming what is wrong. */
export function userFromClaims(
  { claims, issuer, wording }: { claims: JWTPayload; issuer: string | null; wording: RefusalWording },
): VerifiedCaller {
  const role = typeof claims.role === "string" ? claims.role : "";
  if (role === "anon") throw anonRefused(wording);
  if (role === "service_role") {
    throw invalidToken("A JWT that claims the service_role is not the service role: send the service role key or a secret key (sb_secret_…) itself.");
  }
  if (role !== "authenticated") throw invalidToken(wording.role);
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes("authenticated")) throw invalidToken('The JWT\'s audience is not "authenticated".');
  if (issuer !== null && claims.iss !== issuer) throw invalidToken("The JWT was not issued by this project's auth server.");
  if (!isUuid(claims.sub)) throw invalidToken("The JWT's subject is not a user id.");
  if (claims.is_anonymous === true) {
    throw new RouterHttpError(403, "An anonymous sign-in is not a tenant: sign in with a permanent account.", {
      type: "permission_error",
      code: "anonymous_user_not_allowed",
    });
  }
  return { kind: "user", userId: claims.sub.toLowerCase(), claims };
}
