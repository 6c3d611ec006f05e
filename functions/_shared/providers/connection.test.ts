import { deepStrictEqual, throws } from "node:assert/strict";
import { type Connection, MissingApiKeyError, RefusedVariableError, resolveConnection } from "./connection.ts";

const row = { provider: "openai", base_url: null, base_url_env: "OPENAI_BASE_URL", api_key_env: "OPENAI_API_KEY" };
const env = (vars: Record<string, string>) => ({ get: (name: string) => vars[name] });

const cases: Array<[string, typeof row | Record<string, unknown>, Record<string, string>, Connection]> = [
  ["the base URL variable wins over the row's URL", { ...row, base_url: "https://api.example.com/v1" },
    { OPENAI_API_KEY: "k", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" },
    { provider: "openai", baseURL: "http://127.0.0.1:9/v1", apiKey: "k" }],
  ["the row's URL when the variable is unset", { ...row, base_url: "https://api.example.com/v1" }, { OPENAI_API_KEY: "k" },
    { provider: "openai", baseURL: "https://api.example.com/v1", apiKey: "k" }],
  ["the SDK default when neither is set", row, { OPENAI_API_KEY: "k", OPENAI_BASE_URL: "" },
    { provider: "openai", baseURL: undefined, apiKey: "k" }],
  ["no base URL variable at all", { ...row, provider: "local", base_url: "http://127.0.0.1:8080/v1", base_url_env: null, api_key_env: "LOCAL_LLM_KEY" },
    { LOCAL_LLM_KEY: "k2" }, { provider: "local", baseURL: "http://127.0.0.1:8080/v1", apiKey: "k2" }],
];

for (const [name, target, vars, expected] of cases) {
  Deno.test(`resolveConnection: ${name}`, () => {
    const before = structuredClone(target);
    deepStrictEqual(resolveConnection({ target: target as typeof row, env: env(vars) }), expected);
    deepStrictEqual(target, before);
  });
}

const refusals: Array<[string, Partial<typeof row>, Error]> = [
  ["a missing key names its variable", {}, new MissingApiKeyError("OPENAI_API_KEY")],
  ["a SUPABASE_ key variable is refused", { api_key_env: "SUPABASE_SERVICE_ROLE_KEY" }, new RefusedVariableError("api_key_env", "SUPABASE_SERVICE_ROLE_KEY")],
  ["a SUPABASE_ URL variable is refused", { base_url_env: "SUPABASE_DB_URL" }, new RefusedVariableError("base_url_env", "SUPABASE_DB_URL")],
  ["a lower-case name is refused", { api_key_env: "openai_key" }, new RefusedVariableError("api_key_env", "openai_key")],
  ["a name with a dash is refused", { api_key_env: "MY-KEY" }, new RefusedVariableError("api_key_env", "MY-KEY")],
  ["the function's DATABASE_URL is refused as a key, as the database refuses it", { api_key_env: "DATABASE_URL" }, new RefusedVariableError("api_key_env", "DATABASE_URL")],
  ["the function's JWT_SECRET is refused as a URL", { base_url_env: "JWT_SECRET" }, new RefusedVariableError("base_url_env", "JWT_SECRET")],
];

for (const [name, over, expected] of refusals) {
  Deno.test(`resolveConnection: ${name}`, () => {
    // The refused variables are set, so a refusal cannot be a missing value.
    const vars = {
      SUPABASE_SERVICE_ROLE_KEY: "secret", SUPABASE_DB_URL: "postgres://secret", openai_key: "k", "MY-KEY": "k",
      DATABASE_URL: "postgres://secret", JWT_SECRET: "secret",
    };
    throws(() => resolveConnection({ target: { ...row, ...over }, env: env(vars) }), (error: unknown) => {
      deepStrictEqual([(error as Error).name, (error as Error).message], [expected.name, expected.message]);
      return true;
    });
  });
}
