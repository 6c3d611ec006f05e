// The HTTP surface of route-completion (ROUTING-SPEC §8), OpenAI-compatible under /v1 (routes.ts):
// the route first, then auth (the same for every route), then the body, then the work. The shared
// edge answers the preflight and turns every error into OpenAI's error shape, which the OpenAI
// SDK raises as its own error classes.
import { type RefusalWording, type VerifiedCaller, verifyCaller } from "../_shared/auth/verify-caller.ts";
import { readSettings } from "../_shared/config/settings.ts";
import { activeModel, listActiveModels } from "../_shared/db/catalog-db.ts";
import { recordExecution, storedCall } from "../_shared/db/router-db.ts";
import { uuidParam } from "../_shared/http/ids.ts";
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import { readJsonObject } from "../_shared/http/body.ts";
import { edgeHandler } from "../_shared/http/edge.ts";
import { jsonResponse } from "../_shared/http/responses.ts";
import { routeCompletion } from "./complete.ts";
import { liveDeps } from "./live-deps.ts";
import { parseCompletionRequest, parseOutcomeRequest, type RouterHeaders } from "./request.ts";
import { type Route, routeOf } from "./routes.ts";
import { streamResponse } from "./stream-completion.ts";

const settings = readSettings();
const deps = liveDeps(settings);

const WORDING: RefusalWording = {
  anon: "The anon key alone cannot route completions: send a signed-in user's JWT or the service role key.",
  role: "The token's role may not route completions.",
};

/** pg_stat_activity's name for this function's connections (the pool router-db.ts shares). */
const APPLICATION = "route-completion";

export const handleRequest = edgeHandler({
  events: { failed: "request_failed", unexpected: "unexpected_error" },
  unexpectedMessage: "The router failed unexpectedly.",
}, async (req) => {
  const route = routeOf({ method: req.method, pathname: new URL(req.url).pathname });
  const caller = await verifyCaller({
    authorization: req.headers.get("authorization"), apikey: req.headers.get("apikey"), settings, wording: WORDING,
  });
  return await answer({ route, req, caller });
});

async function answer(
  { route, req, caller }: { route: Route; req: Request; caller: VerifiedCaller },
): Promise<Response> {
  switch (route.kind) {
    case "models":
      return jsonResponse(200, { object: "list", data: await listActiveModels(settings.databaseUrl, APPLICATION) });
    case "model":
      return jsonResponse(200, await activeModel(settings.databaseUrl, APPLICATION, route.id));
    case "call": {
      // The record is stored just after its answer: the cost of a call is read here, by the key the answer named.
      const key = uuidParam({ value: route.key, param: "call_key" });
      const call = await storedCall(settings.databaseUrl, key, caller.kind === "user" ? caller.userId : null);
      if (call === null) {
        throw new RouterHttpError(404, "No call is recorded under this key (yet): a record is stored just after its answer.", {
          type: "invalid_request_error", code: "not_found",
        });
      }
      return jsonResponse(200, call);
    }
    case "outcome": {
      const outcome = parseOutcomeRequest({ body: await readJsonObject(req, settings.maxBodyBytes), headers: routerHeaders(req) });
      const result = await recordExecution(settings.databaseUrl, { ...outcome, actingUser: caller.kind === "user" ? caller.userId : null });
      return jsonResponse(200, result);
    }
    case "completion": {
      const request = parseCompletionRequest({ body: await readJsonObject(req, settings.maxBodyBytes), headers: routerHeaders(req) });
      // A stream goes out as server-sent events (the first byte carries the routing headers), else JSON.
      const result = await routeCompletion({ request, caller, policy: settings, deps, signal: req.signal });
      return "stream" in result ? streamResponse(result) : jsonResponse(result.status, result.body, result.headers);
    }
    default: {
      const unknown: never = route;
      throw new Error(`unhandled route ${JSON.stringify(unknown)}`);
    }
  }
}

function routerHeaders(req: Request): RouterHeaders {
  return { agentId: req.headers.get("x-agent-id"), executionId: req.headers.get("x-execution-id") };
}
