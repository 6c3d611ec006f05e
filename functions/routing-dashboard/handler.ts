// The HTTP surface of routing-dashboard:
//   GET  /routing-dashboard                  the page (public HTML; it holds no data)
//   GET  /routing-dashboard/api/summary?days=N   the figures (1 <= N <= 90, default 7)
//   POST /routing-dashboard/api/control      one operator command (see control.ts)
// The API answers the service role or a routing admin only (auth.ts); errors in OpenAI's shape.
import { readSettings } from "../_shared/config/settings.ts";
import { edgeHandler, methodNotAllowed } from "../_shared/http/edge.ts";
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import { jsonResponse } from "../_shared/http/responses.ts";
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

export const handleRequest = edgeHandler({
  headers: apiHeaders,
  events: { failed: "dashboard_request_failed", unexpected: "dashboard_unexpected_error" },
  unexpectedMessage: "The dashboard failed unexpectedly.",
}, async (req) => {
  const path = new URL(req.url).pathname.replace(/\/+$/, "");
  const route = /\/api\/(summary|control)$/.exec(path)?.[1] ?? (/\/api(\/|$)/.test(path) ? "unknown" : "page");

  if (route === "page") {
    if (req.method !== "GET" && req.method !== "HEAD") throw methodNotAllowed(req.method, "GET");
    return pageResponse(req.method === "HEAD");
  }
  if (route === "unknown") throw new RouterHttpError(404, "Unknown dashboard API: use /api/summary or /api/control.", { code: "not_found" });

  if (route === "summary") {
    if (req.method !== "GET") throw methodNotAllowed(req.method, "GET");
    const caller = await verifyDashboardCaller(req.headers.get("authorization"), settings);
    const days = parseDays(new URL(req.url).searchParams.get("days"));
    const summary = await readSummary(settings.databaseUrl, days);
    return jsonResponse(200, { ...summary, viewer: { kind: caller.kind, name: caller.actor } }, apiHeaders);
  }

  // route === "control"
  if (req.method !== "POST") throw methodNotAllowed(req.method, "POST");
  const caller = await verifyDashboardCaller(req.headers.get("authorization"), settings);
  const command = await readControlCommand(req);
  const result = await runControl(settings.databaseUrl, caller.dbClaims, command);
  log("info", "dashboard_control", { action: command.action, actor: caller.actor });
  return jsonResponse(200, { action: command.action, actor: caller.actor, result }, apiHeaders);
});

function parseDays(value: string | null): number {
  if (value === null || value === "") return 7;
  const days = Number(value);
  if (!/^\d+$/.test(value) || days < 1 || days > 90) {
    throw new RouterHttpError(400, "days must be an integer from 1 to 90.", { param: "days", code: "invalid_value" });
  }
  return days;
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
