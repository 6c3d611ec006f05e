// The HTTP surface of route-completion (ROUTING-SPEC §8): method and auth first, then the
// body, then the work. The shared edge answers the preflight and turns every error into
// OpenAI's error shape.
import { type RefusalWording, verifyCaller } from "../_shared/auth/verify-caller.ts";
import { readSettings } from "../_shared/config/settings.ts";
import { recordExecution } from "../_shared/db/router-db.ts";
import { readJsonObject } from "../_shared/http/body.ts";
import { edgeHandler, methodNotAllowed } from "../_shared/http/edge.ts";
import { jsonResponse } from "../_shared/http/responses.ts";
import { routeCompletion } from "./complete.ts";
import { liveDeps } from "./live-deps.ts";
import { parseCompletionRequest, parseOutcomeRequest } from "./request.ts";
import { streamResponse } from "./stream-completion.ts";

const settings = readSettings();
const deps = liveDeps(settings);

const WORDING: RefusalWording = {
  anon: "The anon key alone cannot route completions: send a signed-in user's JWT or the service role key.",
  role: "The token's role may not route completions.",
};

export const handleRequest = edgeHandler({
  events: { failed: "request_failed", unexpected: "unexpected_error" },
  unexpectedMessage: "The router failed unexpectedly.",
}, async (req) => {
  if (req.method !== "POST") throw methodNotAllowed(req.method, "POST");
  const caller = await verifyCaller({
    authorization: req.headers.get("authorization"), apikey: req.headers.get("apikey"), settings, wording: WORDING,
  });
  const body = await readJsonObject(req, settings.maxBodyBytes);
  const headerAgentId = req.headers.get("x-agent-id");

  if (new URL(req.url).pathname.replace(/\/+$/, "").endsWith("/outcome")) {
    const outcome = parseOutcomeRequest(body, headerAgentId);
    const result = await recordExecution(settings.databaseUrl, { ...outcome, actingUser: caller.kind === "user" ? caller.userId : null });
    return jsonResponse(200, result);
  }
  const request = parseCompletionRequest(body, headerAgentId);
  const result = await routeCompletion({ request, caller, policy: settings, deps, signal: req.signal });
  return "stream" in result ? streamResponse(result) : jsonResponse(result.status, result.body, result.headers);
});
