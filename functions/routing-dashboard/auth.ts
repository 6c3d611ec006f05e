// Who may use the dashboard's API: the service role (its key or a service_role JWT) or a
// routing admin, i.e. a signed-in user whose JWT carries app_metadata.routing_admin = true.
// Anyone else with a valid token gets 403; no token, a bad token or the anon key, 401.
//
// The token is checked by the shared verifyCaller (HS256 secret or JWKS, service key); this
// module only adds the admin rule on top, reading the claims of the token verifyCaller accepted.
import { type AuthSettings, verifyCaller } from "../_shared/auth/verify-caller.ts";
import { RouterHttpError } from "../_shared/http/openai-error.ts";

export interface DashboardCaller {
  kind: "service" | "admin";
  /** Who acts, as the audit will name them: "service_role", else the admin's email (or user id). */
  actor: string;
  userId: string | null;
  /**
   * What request.jwt.claims holds while an operator function runs for this caller. The operator
   * functions accept the service role only (routing._require_operator), and JWT claims can only
   * lower a connection's rank, so an admin acts with role service_role, carrying their own sub and
   * email: routing._actor() then writes the admin's email into routing.config_changes.
   */
  dbClaims: Record<string, unknown>;
}

export const SERVICE_CLAIMS = { role: "service_role", email: "service_role" } as const;

export async function verifyDashboardCaller(authorization: string | null, settings: AuthSettings): Promise<DashboardCaller> {
  let caller;
  try {
    caller = await verifyCaller(authorization, settings);
  } catch (error) {
    // Same status and code as route-completion, in the dashboard's words.
    if (error instanceof RouterHttpError && error.status === 401 && error.code !== "missing_authorization") {
      throw new RouterHttpError(401, dashboardMessage(error), { type: error.type, code: error.code });
    }
    throw error;
  }
  if (caller.kind === "service") return { kind: "service", actor: "service_role", userId: null, dbClaims: { ...SERVICE_CLAIMS } };

  // verifyCaller verified this very token's signature and expiry: its payload can be read as is.
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")![1];
  const claims = decodePayload(token);
  const appMetadata = claims.app_metadata as Record<string, unknown> | undefined;
  if (appMetadata?.routing_admin !== true) {
    throw new RouterHttpError(
      403,
      "This user is not a routing admin: the dashboard needs the service role key or a user whose app_metadata.routing_admin is true.",
      { type: "permission_error", code: "not_routing_admin" },
    );
  }
  const email = typeof claims.email === "string" && claims.email !== "" ? claims.email : null;
  return {
    kind: "admin",
    actor: email ?? caller.userId,
    userId: caller.userId,
    dbClaims: { role: "service_role", sub: caller.userId, ...(email ? { email } : {}), routing_admin: true, via: "routing-dashboard" },
  };
}

function dashboardMessage(error: RouterHttpError): string {
  if (error.code === "anon_not_allowed") {
    return "The anon key cannot use the routing dashboard: enter the service role key or a routing admin's JWT.";
  }
  if (error.message.startsWith("The token's role")) return "The token's role may not use the routing dashboard.";
  return error.message;
}

function decodePayload(token: string): Record<string, unknown> {
  const part = token.split(".")[1] ?? "";
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}
