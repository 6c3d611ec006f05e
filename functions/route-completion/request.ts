// Reads and checks a route-completion request (ROUTING-SPEC §8) before anything is written:
// a bad request gets a 400 naming the field and leaves no trace in the database.
//
// The router's own fields come from the body or from where an unmodified OpenAI client can put
// them, the most specific first: the body's `agent_id` / `execution_id` (as the router always
// took them), then OpenAI's `metadata.agent_id` / `metadata.execution_id` (per request), then the
// `x-agent-id` / `x-execution-id` headers (per client, `defaultHeaders`). `model` absent, null or
// "auto" lets the router decide; any other name is the caller's explicit choice, which route_model
// checks against the catalog and honours only where the config allows it.
import { uuidParam } from "../_shared/http/ids.ts";
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import { type OpenAIChatRequest, validateChatRequest } from "../_shared/translate/mod.ts";

export interface CompletionRequest {
  agentId: string;
  executionId: string | null;
  /** The `model` the caller named; null for none or "auto". route_model decides what it is worth. */
  requestedModel: string | null;
  /** The chat body as sent (`stream`, `stream_options` included), less the router's keys in `metadata`. */
  body: OpenAIChatRequest;
}

export interface OutcomeRequest {
  agentId: string;
  executionId: string;
  succeeded: boolean;
  tokens: number | null;
  durationMs: number | null;
}

/** The router's request headers, as read (null when absent). */
export interface RouterHeaders {
  agentId: string | null;
  executionId: string | null;
}

/** The router's keys in OpenAI's `metadata`: read here, not forwarded to a provider. */
const ROUTER_METADATA_KEYS = ["agent_id", "execution_id"] as const;

const invalid = (message: string, param: string, code = "invalid_value") => new RouterHttpError(400, message, { param, code });

/** A router field's value and where it came from (the `param` a refusal names). */
interface Sourced {
  value: unknown;
  param: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first present value among body, metadata and header (an empty header counts as absent). */
function firstPresent(
  { body, name, header, headerName }: { body: Record<string, unknown>; name: (typeof ROUTER_METADATA_KEYS)[number]; header: string | null; headerName: string },
): Sourced | null {
  const metadata = isRecord(body.metadata) ? body.metadata : {};
  const candidates: Sourced[] = [
    { value: body[name], param: name },
    { value: metadata[name], param: `metadata.${name}` },
    { value: header, param: headerName },
  ];
  return candidates.find((c) => c.value !== undefined && c.value !== null && !(c.param === headerName && c.value === "")) ?? null;
}

function agentIdFrom(body: Record<string, unknown>, headers: RouterHeaders): string {
  const found = firstPresent({ body, name: "agent_id", header: headers.agentId, headerName: "x-agent-id" });
  if (found === null) {
    throw invalid("agent_id is required (in the body, metadata.agent_id or the x-agent-id header).", "agent_id", "missing_required_parameter");
  }
  return uuidParam(found);
}

function executionIdFrom(body: Record<string, unknown>, headers: RouterHeaders, required: boolean): string | null {
  const found = firstPresent({ body, name: "execution_id", header: headers.executionId, headerName: "x-execution-id" });
  if (found === null) {
    if (required) {
      throw invalid("execution_id is required (in the body, metadata.execution_id or the x-execution-id header).", "execution_id", "missing_required_parameter");
    }
    return null;
  }
  if (typeof found.value !== "string" || found.value.trim() === "" || found.value.length > 200) {
    throw invalid(`${found.param} must be a string of 1 to 200 characters, not blank.`, found.param);
  }
  return found.value;
}

function requestedModelFrom(value: unknown): string | null {
  if (value === undefined || value === null || value === "auto") return null;
  if (typeof value !== "string") throw invalid('model must be a string: "auto" or a model of GET /v1/models.', "model", "invalid_type");
  return value;
}

/** `metadata` without the router's keys; absent when nothing else was in it. */
function forwardedBody(body: Record<string, unknown>): Record<string, unknown> {
  if (!isRecord(body.metadata) || !ROUTER_METADATA_KEYS.some((key) => key in (body.metadata as object))) return body;
  const metadata = Object.fromEntries(Object.entries(body.metadata).filter(([key]) => !(ROUTER_METADATA_KEYS as readonly string[]).includes(key)));
  const { metadata: _routerKeys, ...rest } = body;
  return Object.keys(metadata).length === 0 ? rest : { ...rest, metadata };
}

export function parseCompletionRequest({ body, headers }: { body: Record<string, unknown>; headers: RouterHeaders }): CompletionRequest {
  const agentId = agentIdFrom(body, headers);
  const executionId = executionIdFrom(body, headers, false);
  const requestedModel = requestedModelFrom(body.model);
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw invalid("messages must be a non-empty array.", "messages");
  }
  if (body.n !== undefined && body.n !== null && body.n !== 1) throw invalid("n must be 1: the router returns one choice.", "n");
  const request = forwardedBody(body) as unknown as OpenAIChatRequest;
  // Whichever provider ends up answering, the conversation must translate: check it now,
  // before a decision is written, so a bad request leaves nothing behind.
  const check = validateChatRequest({ request });
  if (!check.ok) throw invalid(check.error.message, check.error.param, check.error.code);
  return { agentId, executionId, requestedModel, body: request };
}

export function parseOutcomeRequest({ body, headers }: { body: Record<string, unknown>; headers: RouterHeaders }): OutcomeRequest {
  const agentId = agentIdFrom(body, headers);
  const executionId = executionIdFrom(body, headers, true)!;
  if (typeof body.succeeded !== "boolean") throw invalid("succeeded must be true or false.", "succeeded");
  return {
    agentId,
    executionId,
    succeeded: body.succeeded,
    tokens: optionalCount(body.tokens, "tokens"),
    durationMs: optionalCount(body.duration_ms, "duration_ms"),
  };
}

function optionalCount(value: unknown, param: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 2_147_483_647) {
    throw invalid(`${param} must be an integer >= 0.`, param);
  }
  return value;
}
