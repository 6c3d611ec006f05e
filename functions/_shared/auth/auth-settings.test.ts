// readAuthSettings, one row per environment: the whole settings it gives.
import { deepStrictEqual } from "node:assert/strict";
import { type AuthSettings, readAuthSettings } from "./auth-settings.ts";

const EC_KEY = { kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", kid: "k1", alg: "ES256" };
const OCT_KEY = { kty: "oct", k: "c2VjcmV0", kid: "legacy", alg: "HS256" };
const PRIVATE_KEY = { ...EC_KEY, kid: "k2", d: "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI" };
const URL_ = "https://abcdefghijklmnopqrst.supabase.co";

const none: AuthSettings = { jwtSecret: null, jwks: null, jwksUrl: null, jwtIssuer: null, serviceKeys: [], publishableKeys: [] };
/** What a hosted project gives every function, signing keys only. */
const hosted: Record<string, string> = {
  SUPABASE_URL: URL_,
  SUPABASE_JWKS: JSON.stringify({ keys: [EC_KEY] }),
  SUPABASE_SECRET_KEYS: JSON.stringify({ default: "sb_secret_a", automations: "sb_secret_b" }),
  SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: "sb_publishable_a" }),
  SUPABASE_SERVICE_ROLE_KEY: "eyJ.service",
  SUPABASE_ANON_KEY: "eyJ.anon",
};
const hostedSettings: AuthSettings = {
  jwtSecret: null,
  jwks: { keys: [EC_KEY] },
  jwksUrl: `${URL_}/auth/v1/.well-known/jwks.json`,
  jwtIssuer: `${URL_}/auth/v1`,
  serviceKeys: ["eyJ.service", "sb_secret_a", "sb_secret_b"],
  publishableKeys: ["eyJ.anon", "sb_publishable_a"],
};

const rows: Array<[string, Record<string, string>, AuthSettings]> = [
  ["nothing set: nothing is trusted", {}, none],
  ["a hosted project: inline JWKS, its URL and issuer from SUPABASE_URL, every secret and publishable key", hosted, hostedSettings],
  ["a trailing slash on SUPABASE_URL is not part of the issuer", { SUPABASE_URL: `${URL_}/` },
    { ...none, jwksUrl: `${URL_}/auth/v1/.well-known/jwks.json`, jwtIssuer: `${URL_}/auth/v1` }],
  ["the legacy secret under either name", { JWT_SECRET: "legacy" }, { ...none, jwtSecret: "legacy" }],
  ["SUPABASE_JWT_SECRET before JWT_SECRET", { SUPABASE_JWT_SECRET: "a", JWT_SECRET: "b" }, { ...none, jwtSecret: "a" }],
  ["an explicit JWKS URL and issuer win over SUPABASE_URL", { SUPABASE_URL: URL_, SUPABASE_JWKS_URL: "https://keys.example/jwks.json", SUPABASE_JWT_ISSUER: "http://127.0.0.1:54321/auth/v1" },
    { ...none, jwksUrl: "https://keys.example/jwks.json", jwtIssuer: "http://127.0.0.1:54321/auth/v1" }],
  ["a bare array JWKS; shared-secret and private entries are dropped", { SUPABASE_JWKS: JSON.stringify([OCT_KEY, EC_KEY, PRIVATE_KEY]) },
    { ...none, jwks: { keys: [EC_KEY] } }],
  ["a JWKS of shared secrets only is no JWKS", { SUPABASE_JWKS: JSON.stringify({ keys: [OCT_KEY] }) }, none],
  ["malformed JSON everywhere trusts nothing", { SUPABASE_JWKS: "{", SUPABASE_SECRET_KEYS: "sb_secret_x", SUPABASE_PUBLISHABLE_KEYS: "[\"a\"]" }, none],
  ["the singular self-hosted fallbacks, and a key listed twice once", { SUPABASE_SECRET_KEY: "sb_secret_a", SUPABASE_SECRET_KEYS: JSON.stringify({ default: "sb_secret_a", n: 7 }), SUPABASE_PUBLISHABLE_KEY: "sb_publishable_a" },
    { ...none, serviceKeys: ["sb_secret_a"], publishableKeys: ["sb_publishable_a"] }],
  ["a plain-http JWKS on the internet is not used", { SUPABASE_JWKS_URL: "http://keys.example.com/jwks.json" }, none],
  ["plain http to loopback or a docker-internal name is", { SUPABASE_URL: "http://kong:8000", JWKS_URL: "http://[::1]:9999/jwks.json" },
    { ...none, jwksUrl: "http://[::1]:9999/jwks.json", jwtIssuer: "http://kong:8000/auth/v1" }],
  ["empty values count as unset", { SUPABASE_URL: "", SUPABASE_JWT_SECRET: "", SUPABASE_SERVICE_ROLE_KEY: "", SUPABASE_ANON_KEY: "" }, none],
];

for (const [name, vars, expected] of rows) {
  Deno.test(`readAuthSettings: ${name}`, () => {
    const before = { ...vars };
    deepStrictEqual(readAuthSettings({ get: (n) => vars[n] }), expected);
    deepStrictEqual(vars, before);
  });
}
