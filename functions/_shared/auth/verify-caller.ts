// Who is calling (ROUTING-SPEC §8): a user's JWT acts for that user, the service role for anyone,
// the anon key alone is refused. HS256 tokens are checked with the project's JWT secret;
// asymmetric ones (ES256 / RS256) with the JWKS, when one is configured. The answer carries the
// verified claims, so no caller decodes the token again. Ownership itself is enforced in the
// database with the verified user id.
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "../deps.ts";
import { isUuid } from "../http/ids.ts";
import { RouterHttpError } from "../http/openai-error.ts";

/** A verified JWT payload. */
export type Claims = Readonly<Record<string, unknown>>;

export type VerifiedCaller =
  /** `claims` is null for the opaque service key, which is a secret, not a JWT. */
  | { kind: "service_role"; claims: Claims | null }
  | { kind: "user"; userId: string; claims: Claims };

export interface AuthSettings {
  jwtSecret: string | null;
  jwksUrl: string | null;
  serviceRoleKey: string | null;
}

/** How a function words the two refusals that depend on what it serves. */
export interface RefusalWording {
  /** A valid anon key and nothing else. */
  anon: string;
  /** A valid token whose role is neither authenticated nor service_role. */
  role: string;
}

const jwksCache = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

const unauthorized = (message: string, code = "invalid_api_key") =>
  new RouterHttpError(401, message, { type: "authentication_error", code });

export async function verifyCaller(
  { authorization, settings, wording }: { authorization: string | null; settings: AuthSettings; wording: RefusalWording },
): Promise<VerifiedCaller> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (!token) throw unauthorized("Missing bearer token in the Authorization header.", "missing_authorization");
  // New-style secret keys are not JWTs: compare them as secrets.
  if (settings.serviceRoleKey && timingSafeEqual(token, settings.serviceRoleKey)) return { kind: "service_role", claims: null };

  const claims = await verifyToken(token, settings);
  const role = typeof claims.role === "string" ? claims.role : "";
  if (role === "service_role") return { kind: "service_role", claims };
  if (role === "anon") throw unauthorized(wording.anon, "anon_not_allowed");
  if (role === "authenticated" && isUuid(claims.sub)) return { kind: "user", userId: claims.sub.toLowerCase(), claims };
  throw unauthorized(wording.role);
}

async function verifyToken(token: string, settings: AuthSettings): Promise<Claims> {
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw unauthorized("The bearer token is not a JWT.");
  }
  try {
    if (alg === "HS256") {
      if (!settings.jwtSecret) throw unauthorized("HS256 tokens are not accepted: no JWT secret is configured.");
      const { payload } = await jwtVerify(token, new TextEncoder().encode(settings.jwtSecret), { algorithms: ["HS256"] });
      return payload;
    }
    if (!settings.jwksUrl) throw unauthorized(`${alg} tokens are not accepted: no JWKS is configured.`);
    let jwks = jwksCache.get(settings.jwksUrl);
    if (!jwks) {
      jwks = createRemoteJWKSet(new URL(settings.jwksUrl));
      jwksCache.set(settings.jwksUrl, jwks);
    }
    const { payload } = await jwtVerify(token, jwks, { algorithms: ["ES256", "RS256", "EdDSA"] });
    return payload;
  } catch (error) {
    if (error instanceof RouterHttpError) throw error;
    throw unauthorized("Invalid or expired JWT.");
  }
}

function timingSafeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
