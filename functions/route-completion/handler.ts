// The HTTP surface of route-completion (ROUTING-SPEC §8): method and auth first, then the
// body, then the work. Every error leaves as OpenAI's error shape.
import { verifyCaller } from "../_shared/auth/verify-caller.ts";
import { readSettings } from "../_shared/config/settings.ts";
import { recordExecution } from "../_shared/db/router-db.ts";
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import { errorResponse, jsonResponse, preflightResponse } from "../_shared/http/responses.ts";
import { log } from "../_shared/log.ts";
import { routeCompletion } from "./complete.ts";
import { parseCompletionRequest, parseOutcomeRequest, readJsonBody } from "./request.ts";

const settings = readSettings();

export async function handleRequest(req: Request): Promise<Response> {
  try {
    if (req.method === "OPTIONS") return preflightResponse();
    if (req.method !== "POST") {
      throw new RouterHttpError(405, `Method ${req.method} is not allowed: use POST.`, { code: "method_not_allowed", headers: { allow: "POST, OPTIONS" } });
    }
    const caller = await verifyCaller(req.headers.get("authorization"), settings);
    const body = await readJsonBody(req, settings.maxBodyBytes);
    const headerAgentId = req.headers.get("x-agent-id");

    if (new URL(req.url).pathname.replace(/\/+$/, "").endsWith("/outcome")) {
      const outcome = parseOutcomeRequest(body, headerAgentId);
      const result = await recordExecution(settings.databaseUrl, { ...outcome, actingUser: caller.kind === "user" ? caller.userId : null });
      return jsonResponse(200, result);
    }
    const request = parseCompletionRequest(body, headerAgentId, settings.anthropicDefaultMaxTokens);
    const result = await routeCompletion(request, caller, settings);
    return jsonResponse(result.status, result.body, result.headers);
  } catch (error) {
    if (error instanceof RouterHttpError) {
      if (error.status >= 500) log("warn", "request_failed", { status: error.status, code: error.code });
      return errorResponse(error);
    }
    log("error", "unexpected_error", { name: (error as Error)?.name, message: (error as Error)?.message });
    return errorResponse(new RouterHttpError(500, "The router failed unexpectedly.", { code: "internal_error" }));
  }
}
