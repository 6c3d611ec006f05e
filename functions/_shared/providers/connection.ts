// Where a provider is reached and with which key, from its row in routing.providers (carried on
// each decision target): base URL = the variable `base_url_env` names, else `base_url`, else the
// SDK's default; key = the variable `api_key_env` names. The table holds variable NAMES only, never
// secrets. A name must look like an environment variable and may not be one of the platform's own
// (SUPABASE_*: the service role key, the database URL, the JWT secret), so that a row written by SQL
// cannot make the router send those secrets to a provider.
import type { DecisionTarget } from "../routing/types.ts";

type Env = { get(name: string): string | undefined };

const VARIABLE_NAME = /^[A-Z][A-Z0-9_]*$/;
/** The function's own secrets and settings, never a provider's key or URL (as routing.providers' checks say). */
const RESERVED_VARIABLES = new Set(["DATABASE_URL", "JWT_SECRET", "JWKS_URL"]);

/** The provider's key variable is not set: the router treats it like a 401 from that provider. */
export class MissingApiKeyError extends Error {
  constructor(readonly variable: string) {
    super(`${variable} is not set: the router cannot call this provider.`);
    this.name = "MissingApiKeyError";
  }
}

/** routing.providers names a variable the router will not read: a configuration error, like a missing key. */
export class RefusedVariableError extends Error {
  constructor(readonly column: string, readonly variable: string) {
    super(
      `routing.providers.${column} ${JSON.stringify(variable)} is refused: it must match ^[A-Z][A-Z0-9_]*$ ` +
        "and not start with SUPABASE_.",
    );
    this.name = "RefusedVariableError";
  }
}

export interface Connection {
  provider: string;
  /** undefined: the SDK's default endpoint. */
  baseURL: string | undefined;
  apiKey: string;
}

export function checkVariableName({ column, variable }: { column: string; variable: string }): string {
  // The same rule as the database's check on routing.providers (base_url_env_is_safe, api_key_env_is_safe).
  if (!VARIABLE_NAME.test(variable) || variable.startsWith("SUPABASE_") || RESERVED_VARIABLES.has(variable)) {
    throw new RefusedVariableError(column, variable);
  }
  return variable;
}

/** Throws MissingApiKeyError or RefusedVariableError; never reads a variable it refused. */
export function resolveConnection(
  { target, env }: { target: Pick<DecisionTarget, "provider" | "base_url" | "base_url_env" | "api_key_env">; env: Env },
): Connection {
  const keyVariable = checkVariableName({ column: "api_key_env", variable: target.api_key_env });
  const urlVariable = target.base_url_env === null || target.base_url_env === ""
    ? null
    : checkVariableName({ column: "base_url_env", variable: target.base_url_env });
  const apiKey = env.get(keyVariable);
  if (!apiKey) throw new MissingApiKeyError(keyVariable);
  const baseURL = (urlVariable === null ? undefined : env.get(urlVariable)) || target.base_url || undefined;
  return { provider: target.provider, baseURL, apiKey };
}
