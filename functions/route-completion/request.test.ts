import { deepStrictEqual } from "node:assert/strict";
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import { parseCompletionRequest, parseOutcomeRequest, type RouterHeaders } from "./request.ts";

const A = "5b0c1d52-8f3e-4a43-9a55-1f0e8c2d7a10";
const B = "0f4c6a1e-2d7b-4c39-8e51-9a3f2b6d4c80";
const C = "7e2a9b14-6c3d-4f58-a1b2-3c4d5e6f7a81";
const messages = [{ role: "user", content: "hello" }];
const none: RouterHeaders = { agentId: null, executionId: null };

/** The parsed request, or the refusal's status and OpenAI body. */
function parse(fn: typeof parseCompletionRequest | typeof parseOutcomeRequest, body: Record<string, unknown>, headers: RouterHeaders) {
  const before = structuredClone(body);
  try {
    return { ok: fn({ body, headers }) };
  } catch (error) {
    if (!(error instanceof RouterHttpError)) throw error;
    return { status: error.status, body: error.toBody() };
  } finally {
    deepStrictEqual(body, before, "the body is not mutated");
  }
}

const refused = (message: string, param: string, code = "invalid_value") => ({
  status: 400, body: { error: { message, type: "invalid_request_error", param, code } },
});
const completion = (fields: Record<string, unknown>, body: Record<string, unknown> = { messages }) => ({
  ok: { agentId: A, executionId: null, requestedModel: null, body, ...fields },
});

const completionRows: Array<[string, Record<string, unknown>, RouterHeaders, unknown]> = [
  ["the body's agent_id, as before", { agent_id: A, messages }, none, completion({}, { agent_id: A, messages })],
  ["x-agent-id alone (the OpenAI client's defaultHeaders)", { messages }, { ...none, agentId: A }, completion({})],
  ["metadata.agent_id alone; the router's keys are not forwarded in metadata", { messages, metadata: { agent_id: A } }, none, completion({})],
  ["metadata keeps the caller's other keys", { messages, metadata: { agent_id: A, team: "ops" } }, none,
    completion({}, { messages, metadata: { team: "ops" } })],
  ["body agent_id beats metadata, which beats the header", { agent_id: A, messages, metadata: { agent_id: B } }, { ...none, agentId: C },
    completion({}, { agent_id: A, messages })],
  ["metadata beats the header", { messages, metadata: { agent_id: B } }, { ...none, agentId: C }, completion({ agentId: B })],
  ["an upper-case header id comes back in lower case", { messages }, { ...none, agentId: A.toUpperCase() }, completion({})],
  ["an empty header is absent", { messages, metadata: { agent_id: A } }, { agentId: "", executionId: "" }, completion({})],
  ["no agent anywhere is a 400 naming agent_id", { messages }, none,
    refused("agent_id is required (in the body, metadata.agent_id or the x-agent-id header).", "agent_id", "missing_required_parameter")],
  ["a bad header id names the header", { messages }, { ...none, agentId: "abc" }, refused("x-agent-id must be a UUID.", "x-agent-id")],
  ["a bad metadata id names metadata.agent_id", { messages, metadata: { agent_id: "abc" } }, { ...none, agentId: A },
    refused("metadata.agent_id must be a UUID.", "metadata.agent_id")],
  ["execution from x-execution-id", { messages }, { agentId: A, executionId: "run-1" }, completion({ executionId: "run-1" })],
  ["execution from metadata beats the header", { messages, metadata: { execution_id: "run-2" } }, { agentId: A, executionId: "run-1" },
    completion({ executionId: "run-2" })],
  ["execution from the body beats both", { messages, execution_id: "run-3", metadata: { execution_id: "run-2" } }, { agentId: A, executionId: "run-1" },
    completion({ executionId: "run-3" }, { messages, execution_id: "run-3" })],
  ["a blank execution header is refused by name", { messages }, { agentId: A, executionId: "  " },
    refused("x-execution-id must be a string of 1 to 200 characters, not blank.", "x-execution-id")],
  ["a numeric metadata execution_id is refused by name", { messages, metadata: { execution_id: 7 } }, { agentId: A, executionId: null },
    refused("metadata.execution_id must be a string of 1 to 200 characters, not blank.", "metadata.execution_id")],
  ["model auto lets the router decide", { messages, model: "auto" }, { ...none, agentId: A }, completion({}, { messages, model: "auto" })],
  ["model null lets the router decide", { messages, model: null }, { ...none, agentId: A }, completion({}, { messages, model: null })],
  ["a model name is the caller's request, left in the body", { messages, model: "gpt-5.6-sol" }, { ...none, agentId: A },
    completion({ requestedModel: "gpt-5.6-sol" }, { messages, model: "gpt-5.6-sol" })],
  ["a model that is not a string is a 400", { messages, model: 4 }, { ...none, agentId: A },
    refused('model must be a string: "auto" or a model of GET /v1/models.', "model", "invalid_type")],
  ["stream and stream_options go through untouched", { messages, stream: true, stream_options: { include_usage: true } }, { ...none, agentId: A },
    completion({}, { messages, stream: true, stream_options: { include_usage: true } })],
  ["n = 2 is still a 400", { messages, n: 2 }, { ...none, agentId: A }, refused("n must be 1: the router returns one choice.", "n")],
  ["messages missing is a 400", {}, { ...none, agentId: A }, refused("messages must be a non-empty array.", "messages")],
];
for (const [name, body, headers, expected] of completionRows) {
  Deno.test(`parseCompletionRequest: ${name}`, () => deepStrictEqual(parse(parseCompletionRequest, body, headers), expected));
}

const outcomeRows: Array<[string, Record<string, unknown>, RouterHeaders, unknown]> = [
  ["agent and execution from the headers", { succeeded: true }, { agentId: A, executionId: "run-1" },
    { ok: { agentId: A, executionId: "run-1", succeeded: true, tokens: null, durationMs: null } }],
  ["the body's as before", { agent_id: A, execution_id: "run-2", succeeded: false, tokens: 10, duration_ms: 5 }, { agentId: B, executionId: "run-1" },
    { ok: { agentId: A, executionId: "run-2", succeeded: false, tokens: 10, durationMs: 5 } }],
  ["no execution anywhere is a 400", { succeeded: true }, { agentId: A, executionId: null },
    refused("execution_id is required (in the body, metadata.execution_id or the x-execution-id header).", "execution_id", "missing_required_parameter")],
];
for (const [name, body, headers, expected] of outcomeRows) {
  Deno.test(`parseOutcomeRequest: ${name}`, () => deepStrictEqual(parse(parseOutcomeRequest, body, headers), expected));
}
