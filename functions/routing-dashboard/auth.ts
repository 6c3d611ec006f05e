// Who may use the dashboard's API: the service role (its key or a secret key) or a
// routing admin, i.e. a signed-in user whose JWT carries app_metadata.routing_admin = true.
// Anyone else with a valid token gets 403; no token, a bad token or the anon key, 401.
//
// The token is checked by the shared verifyCaller (JWKS or legacy HS256 secret, exact keys); this
// module only adds the admin rule on top, reading the claims verifyCaller verified.
import { type AuthSettings, type RefusalWording, verifyCaller } from "../_shared/auth/verify-caller.ts";
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

const SERVICE_CLAIMS = { role: "service_role", email: "service_role" } as const;

const WORDING: RefusalWording = {
  anon: "The anon key cannot use the routing dashboard: enter the service role key or a routing admin's JWT.",
  role: "The token's role may not use the routing dashboard.",
};

export async function verifyDashboardCaller(authorization: string | null, settings: AuthSettings): Promise<DashboardCaller> {
  const caller = await verifyCaller({ authorization, settings, wording: WORDING });
  if (caller.kind === "service_role") return { kind: "service", actor: "service_role", userId: null, dbClaims: { ...SERVICE_CLAIMS } };

  const appMetadata = caller.claims.app_metadata;
  if (!isRecord(appMetadata) || appMetadata.routing_admin !== true) {
    throw new RouterHttpError(
      403,
      "This user is not a routing admin: the dashboard needs the service role key or a user whose app_metadata.routing_admin is true.",
      { type: "permission_error", code: "not_routing_admin" },
    );
  }
  const email = typeof caller.claims.email === "string" && caller.claims.email !== "" ? caller.claims.email : null;
  return {
    kind: "admin",
    actor: email ?? caller.userId,
    userId: caller.userId,
    dbClaims: { role: "service_role", sub: caller.userId, ...(email ? { email } : {}), routing_admin: true, via: "routing-dashboard" },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
