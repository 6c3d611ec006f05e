import { deepStrictEqual } from "node:assert/strict";
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import { routeOf } from "./routes.ts";

/** The route, or the refusal's status, headers and OpenAI body. */
function route(method: string, pathname: string): unknown {
  try {
    return routeOf({ method, pathname });
  } catch (error) {
    if (!(error instanceof RouterHttpError)) throw error;
    return { status: error.status, headers: error.headers, body: error.toBody() };
  }
}

const notAllowed = (method: string, allow: string) => ({
  status: 405,
  headers: { allow: `${allow}, OPTIONS` },
  body: { error: { message: `Method ${method} is not allowed: use ${allow}.`, type: "invalid_request_error", param: null, code: "method_not_allowed" } },
});
const noSuchPath = (path: string) => ({
  status: 404,
  headers: {},
  body: {
    error: {
      message: `No such path: ${path}. Use POST /v1/chat/completions, GET /v1/models or POST /v1/outcome.`,
      type: "invalid_request_error", param: null, code: "not_found",
    },
  },
});

const rows: Array<[string, string, unknown]> = [
  ["POST", "/route-completion", { kind: "completion" }],
  ["POST", "/route-completion/", { kind: "completion" }],
  ["POST", "/route-completion/v1/chat/completions", { kind: "completion" }],
  ["POST", "/route-completion/chat/completions", { kind: "completion" }],
  ["POST", "/route-completion/outcome", { kind: "outcome" }],
  ["POST", "/route-completion/v1/outcome", { kind: "outcome" }],
  ["GET", "/route-completion/v1/calls/6f1c1f8e-1d1a-4c1b-9a55-0a0000000001", { kind: "call", key: "6f1c1f8e-1d1a-4c1b-9a55-0a0000000001" }],
  ["POST", "/route-completion/calls/k", notAllowed("POST", "GET")],
  ["GET", "/route-completion/v1/models", { kind: "models" }],
  ["GET", "/route-completion/models", { kind: "models" }],
  ["GET", "/route-completion/v1/models/gpt-5.6-sol", { kind: "model", id: "gpt-5.6-sol" }],
  ["GET", "/route-completion/v1/models/claude%20x", { kind: "model", id: "claude x" }],
  ["GET", "/route-completion", notAllowed("GET", "POST")],
  ["POST", "/route-completion/v1/models", notAllowed("POST", "GET")],
  ["DELETE", "/route-completion/v1/models/gpt-4o", notAllowed("DELETE", "GET")],
  ["POST", "/route-completion/v1/completions", noSuchPath("/route-completion/v1/completions")],
  ["POST", "/route-completion/v1/chat/completions/x", noSuchPath("/route-completion/v1/chat/completions/x")],
  ["GET", "/route-completion/v2/models", noSuchPath("/route-completion/v2/models")],
];
for (const [method, pathname, expected] of rows) {
  Deno.test(`routeOf: ${method} ${pathname}`, () => deepStrictEqual(route(method, pathname), expected));
}
