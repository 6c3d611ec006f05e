// The paths route-completion answers, so that an unmodified OpenAI client works with
// `baseURL: <SUPABASE_URL>/functions/v1/route-completion/v1`. The `/v1` is optional (the function's
// own paths predate it, and `baseURL` without it works too). Pure.
//
//   POST /route-completion[/v1][/chat/completions]   a routed chat completion
//   POST /route-completion[/v1]/outcome              how an execution ended
//   GET  /route-completion[/v1]/models               the active catalog, in OpenAI's list shape
//   GET  /route-completion[/v1]/models/{model}       one model of it
//   GET  /route-completion[/v1]/calls/{call_key}     a call's record (its cost), once stored
import { methodNotAllowed } from "../_shared/http/edge.ts";
import { RouterHttpError } from "../_shared/http/openai-error.ts";

export type Route =
  | { kind: "completion" }
  | { kind: "outcome" }
  | { kind: "models" }
  | { kind: "model"; id: string }
  | { kind: "call"; key: string };

/** The function's name: the first segment of the path it is given (Supabase strips /functions/v1). */
const FUNCTION_NAME = "route-completion";

/** Each path (after the function's name and an optional v1) with its method. */
const ROUTES: ReadonlyArray<{ path: ReadonlyArray<string | null>; method: "GET" | "POST"; route: (params: string[]) => Route }> = [
  { path: [], method: "POST", route: () => ({ kind: "completion" }) },
  { path: ["chat", "completions"], method: "POST", route: () => ({ kind: "completion" }) },
  { path: ["outcome"], method: "POST", route: () => ({ kind: "outcome" }) },
  { path: ["models"], method: "GET", route: () => ({ kind: "models" }) },
  // null: any one segment, passed to `route` (a model id has no slash: routing.models checks its spelling).
  { path: ["models", null], method: "GET", route: ([id]) => ({ kind: "model", id }) },
  { path: ["calls", null], method: "GET", route: ([key]) => ({ kind: "call", key }) },
];

/** The route of a request, or the 404 / 405 to answer (OPTIONS never gets here: the edge answers it). */
export function routeOf({ method, pathname }: { method: string; pathname: string }): Route {
  const segments = pathname.split("/").filter((s) => s !== "");
  const start = segments[0] === FUNCTION_NAME ? 1 : 0;
  const rest = segments.slice(segments[start] === "v1" ? start + 1 : start);
  for (const candidate of ROUTES) {
    const params = match(candidate.path, rest);
    if (params === null) continue;
    if (method !== candidate.method) throw methodNotAllowed(method, candidate.method);
    return candidate.route(params);
  }
  throw new RouterHttpError(404, `No such path: ${pathname.slice(0, 200)}. Use POST /v1/chat/completions, GET /v1/models or POST /v1/outcome.`, {
    type: "invalid_request_error",
    code: "not_found",
  });
}

/** The values of the pattern's null segments, or null when the path does not match. */
function match(pattern: ReadonlyArray<string | null>, segments: string[]): string[] | null {
  if (pattern.length !== segments.length) return null;
  const params: string[] = [];
  for (const [i, part] of pattern.entries()) {
    if (part === null) params.push(safeDecode(segments[i]));
    else if (part !== segments[i]) return null;
  }
  return params;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
