import { deepStrictEqual } from "node:assert/strict";
import { edgeHandler, type EdgeOptions, methodNotAllowed } from "./edge.ts";
import { RouterHttpError } from "./openai-error.ts";
import { corsHeaders, jsonResponse } from "./responses.ts";

const options: EdgeOptions = {
  headers: { "cache-control": "no-store" },
  events: { failed: "test_failed", unexpected: "test_unexpected" },
  unexpectedMessage: "The test function failed unexpectedly.",
};

/** A response as status, headers and body text: what the caller gets, whole. */
async function answer(res: Response) {
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

/** Runs `fn` with console.error captured: the funnel's log lines. */
async function capturingLogs<T>(fn: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const original = console.error;
  console.error = (line: string) => lines.push(JSON.parse(line));
  try {
    return { result: await fn(), lines: lines.map(({ at: _at, ...rest }) => rest) };
  } finally {
    console.error = original;
  }
}

const req = (method = "POST") => new Request("http://local/f", { method, body: method === "POST" ? "{}" : undefined });
const base = { ...corsHeaders, "content-type": "application/json", "cache-control": "no-store" };

Deno.test("edge: the preflight is answered without running the handler", async () => {
  let ran = false;
  const handle = edgeHandler(options, () => { ran = true; return Promise.resolve(jsonResponse(200, {})); });
  deepStrictEqual(await answer(await handle(req("OPTIONS"))), {
    status: 200, headers: { ...corsHeaders, "cache-control": "no-store", "content-type": "text/plain;charset=UTF-8" }, body: "ok",
  });
  deepStrictEqual(ran, false);
});

Deno.test("edge: a handler's answer passes through unchanged", async () => {
  const handle = edgeHandler(options, () => Promise.resolve(jsonResponse(201, { a: 1 }, { "x-a": "b" })));
  deepStrictEqual(await answer(await handle(req())), {
    status: 201, headers: { ...corsHeaders, "content-type": "application/json", "x-a": "b" }, body: '{"a":1}',
  });
});

Deno.test("edge: a RouterHttpError is the caller's, in OpenAI's shape with its own headers; a 4xx is not logged", async () => {
  const handle = edgeHandler(options, () => Promise.reject(methodNotAllowed("GET", "POST")));
  const { result, lines } = await capturingLogs(async () => answer(await handle(req("GET"))));
  deepStrictEqual(result, {
    status: 405,
    headers: { ...base, allow: "POST, OPTIONS" },
    body: JSON.stringify({ error: { message: "Method GET is not allowed: use POST.", type: "invalid_request_error", param: null, code: "method_not_allowed" } }),
  });
  deepStrictEqual(lines, []);
});

Deno.test("edge: a 5xx RouterHttpError is logged with its status and code", async () => {
  const handle = edgeHandler(options, () => Promise.reject(new RouterHttpError(503, "The routing database is unreachable.", { code: "database_unavailable" })));
  const { result, lines } = await capturingLogs(async () => answer(await handle(req())));
  deepStrictEqual(result.status, 503);
  deepStrictEqual(lines, [{ level: "warn", event: "test_failed", status: 503, code: "database_unavailable" }]);
});

Deno.test("edge: anything else is a 500 internal_error that says nothing of the cause, logged without secrets", async () => {
  const bug = new TypeError("cannot connect to postgresql://postgres:hunter2@db.example:5432/postgres with Bearer eyJhbGciOi.eyJzdWIiOi.c2ln");
  const handle = edgeHandler(options, () => Promise.reject(bug));
  const { result, lines } = await capturingLogs(async () => answer(await handle(req())));
  deepStrictEqual(result, {
    status: 500,
    headers: base,
    body: JSON.stringify({ error: { message: "The test function failed unexpectedly.", type: "api_error", param: null, code: "internal_error" } }),
  });
  deepStrictEqual(lines, [{
    level: "error", event: "test_unexpected", name: "TypeError",
    message: "cannot connect to postgresql://***@db.example:5432/postgres with Bearer ***",
  }]);
});
