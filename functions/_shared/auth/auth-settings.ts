// What the functions need to know their callers, read from the variables Supabase gives every
// Edge Function (docs: guides/functions/secrets): SUPABASE_URL, SUPABASE_JWKS (the project's
// public signing keys, inline), SUPABASE_SECRET_KEYS / SUPABASE_PUBLISHABLE_KEYS (JSON objects of
// named sb_secret_… / sb_publishable_… keys) and the legacy SUPABASE_SERVICE_ROLE_KEY /
// SUPABASE_ANON_KEY. The legacy JWT secret is optional: while it is set, HS256 tokens are verified
// with it; without it only asymmetric tokens are. Secrets read here are never logged.
import type { JSONWebKeySet, JWK } from "../deps.ts";

type Env = { get(name: string): string | undefined };

export interface AuthSettings {
  /** The legacy JWT secret (HS256); null once the project uses signing keys only. */
  jwtSecret: string | null;
  /** SUPABASE_JWKS: the public keys to verify asymmetric user JWTs without the network. */
  jwks: JSONWebKeySet | null;
  /** Where the JWKS is served (SUPABASE_JWKS_URL, else derived from SUPABASE_URL). */
  jwksUrl: string | null;
  /** The `iss` every user JWT must carry: `<SUPABASE_URL>/auth/v1`; null when unknown. */
  jwtIssuer: string | null;
  /** Exact keys that act as the service role: the service role key and every secret key. */
  serviceKeys: readonly string[];
  /** Exact keys that are the anon role: the anon key and every publishable key (refused alone). */
  publishableKeys: readonly string[];
}

/** Key types that hold public keys; an `oct` (shared secret) entry is never used from a JWKS. */
const ASYMMETRIC_KEY_TYPES = new Set(["EC", "RSA", "OKP"]);

export function readAuthSettings(env: Env): AuthSettings {
  const supabaseUrl = (env.get("SUPABASE_URL") || "").replace(/\/+$/, "") || null;
  const explicitJwksUrl = env.get("SUPABASE_JWKS_URL") || env.get("JWKS_URL") || null;
  const derivedJwksUrl = supabaseUrl ? `${supabaseUrl}/auth/v1/.well-known/jwks.json` : null;
  return {
    // Hosted projects forbid custom secrets named SUPABASE_*, hence JWT_SECRET there.
    jwtSecret: env.get("SUPABASE_JWT_SECRET") || env.get("JWT_SECRET") || null,
    jwks: parseJwks(env.get("SUPABASE_JWKS")),
    jwksUrl: safeJwksUrl(explicitJwksUrl ?? derivedJwksUrl),
    // An explicit issuer is for a stack whose auth server signs with another URL than the one
    // the function is given (the local test server, a docker-internal SUPABASE_URL).
    jwtIssuer: env.get("SUPABASE_JWT_ISSUER") || env.get("JWT_ISSUER") || (supabaseUrl ? `${supabaseUrl}/auth/v1` : null),
    serviceKeys: distinct([
      env.get("SUPABASE_SERVICE_ROLE_KEY"),
      ...namedKeys(env.get("SUPABASE_SECRET_KEYS")),
      env.get("SUPABASE_SECRET_KEY"),
    ]),
    publishableKeys: distinct([
      env.get("SUPABASE_ANON_KEY"),
      ...namedKeys(env.get("SUPABASE_PUBLISHABLE_KEYS")),
      env.get("SUPABASE_PUBLISHABLE_KEY"),
    ]),
  };
}

/** The values of a JSON object of named keys (`{"default": "sb_secret_…"}`); none if malformed. */
function namedKeys(raw: string | undefined): string[] {
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return [];
    return Object.values(parsed).filter((v): v is string => typeof v === "string");
  } catch {
    return [];
  }
}

/** `{"keys": [...]}` or a bare array; only public (asymmetric) keys are kept; null if none. */
function parseJwks(raw: string | undefined): JSONWebKeySet | null {
  if (!raw) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  const list: unknown = Array.isArray(parsed) ? parsed : (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) return null;
  const keys = list.filter((k): k is JWK =>
    typeof k === "object" && k !== null && ASYMMETRIC_KEY_TYPES.has(String((k as JWK).kty)) && !("d" in k)
  );
  return keys.length > 0 ? { keys } : null;
}

/**
 * A JWKS is trusted only over https, or over http to a host no one on the internet can be:
 * loopback (the local stack) or a single-label name (a docker-internal service such as `kong`).
 * Anything else could swap in a forged signing key, so it is not used.
 */
function safeJwksUrl(raw: string | null): string | null {
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol === "https:") return url.href;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const local = host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host) ||
    (!host.includes(".") && !host.includes(":"));
  return url.protocol === "http:" && local ? url.href : null;
}

function distinct(values: Array<string | undefined>): string[] {
  return [...new Set(values.filter((v): v is string => typeof v === "string" && v !== ""))];
}
