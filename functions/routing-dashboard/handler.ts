// The HTTP surface of routing-dashboard:
//   GET  /routing-dashboard                  the page (public HTML; it holds no data)
//   GET  /routing-dashboard/api/summary?days=N   the figures (1 <= N <= 90, default 7)
//   POST /routing-dashboard/api/control      one operator command (see control.ts)
// The API answers the service role or a routing admin only (auth.ts); errors in OpenAI's shape.
import { readSettings } from "../_shared/config/settings.ts";
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import { corsHeaders, errorResponse, jsonResponse } from "../_shared/http/responses.ts";
import { log } from "../_shared/log.ts";
import { verifyDashboardCaller } from "./auth.ts";
import { readControlCommand } from "./control.ts";
import { readSummary, runControl } from "./dashboard-db.ts";
import { renderPage } from "./page.ts";

const settings = readSettings();

const apiHeaders: Record<string, string> = {
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "cache-control": "no-store",
};

export async function handleRequest(req: Request): Promise<Response> {
  try {
    const path = new URL(req.url).pathname.replace(/\/+$/, "");
    const route = /\/api\/(summary|control)$/.exec(path)?.[1] ?? (/\/api(\/|$)/.test(path) ? "unknown" : "page");

    if (req.method === "OPTIONS") return new Response("ok", { status: 200, headers: { ...corsHeaders, ...apiHeaders } });

    if (route === "page") {
      if (req.method !== "GET" && req.method !== "HEAD") throw notAllowed(req.method, "GET");
      return pageResponse(req.method === "HEAD");
    }
    if (route === "unknown") throw new RouterHttpError(404, "Unknown dashboard API: use /api/summary or /api/control.", { code: "not_found" });

    if (route === "summary") {
      if (req.method !== "GET") throw notAllowed(req.method, "GET");
      const caller = await verifyDashboardCaller(req.headers.get("authorization"), settings);
      const days = parseDays(new URL(req.url).searchParams.get("days"));
      const summary = await readSummary(settings.databaseUrl, days);
      return jsonResponse(200, { ...summary, viewer: { kind: caller.kind, name: caller.actor } }, apiHeaders);
    }

    // route === "control"
    if (req.method !== "POST") throw notAllowed(req.method, "POST");
    const caller = await verifyDashboardCaller(req.headers.get("authorization"), settings);
    const command = await readControlCommand(req);
    const result = await runControl(settings.databaseUrl, caller.dbClaims, command);
    log("info", "dashboard_control", { action: command.action, actor: caller.actor });
    return jsonResponse(200, { action: command.action, actor: caller.actor, result }, apiHeaders);
  } catch (error) {
    if (error instanceof RouterHttpError) {
      if (error.status >= 500) log("warn", "dashboard_request_failed", { status: error.status, code: error.code });
      return withHeaders(errorResponse(error), apiHeaders);
    }
    log("error", "dashboard_unexpected_error", { name: (error as Error)?.name, message: (error as Error)?.message });
    return withHeaders(errorResponse(new RouterHttpError(500, "The dashboard failed unexpectedly.", { code: "internal_error" })), apiHeaders);
  }
}

function parseDays(value: string | null): number {
  if (value === null || value === "") return 7;
  const days = Number(value);
  if (!/^\d+$/.test(value) || days < 1 || days > 90) {
    throw new RouterHttpError(400, "days must be an integer from 1 to 90.", { param: "days", code: "invalid_value" });
  }
  return days;
}

function notAllowed(method: string, allow: string): RouterHttpError {
  return new RouterHttpError(405, `Method ${method} is not allowed here: use ${allow}.`, {
    code: "method_not_allowed",
    headers: { allow: `${allow}, OPTIONS` },
  });
}

function withHeaders(res: Response, headers: Record<string, string>): Response {
  for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
  return res;
}

function pageResponse(headOnly: boolean): Response {
  // A fresh nonce per response: the page's one inline script and style run, nothing else does.
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  return new Response(headOnly ? null : renderPage(nonce), {
    status: 200,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store",
      "content-security-policy": [
        "default-src 'none'",
        `script-src 'nonce-${nonce}'`,
        `style-src 'nonce-${nonce}'`,
        "connect-src 'self'",
        "img-src 'self' data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ].join("; "),
      "referrer-policy": "no-referrer",
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
    },
  });
}
