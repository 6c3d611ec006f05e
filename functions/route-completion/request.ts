// Reads and checks a route-completion request (ROUTING-SPEC §8) before anything is written:
// a bad request gets a 400 naming the field and leaves no trace in the database.
import { uuidParam } from "../_shared/http/ids.ts";
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import { type OpenAIChatRequest, validateChatRequest } from "../_shared/translate/mod.ts";

export interface CompletionRequest {
  agentId: string;
  executionId: string | null;
  body: OpenAIChatRequest;
}

export interface OutcomeRequest {
  agentId: string;
  executionId: string;
  succeeded: boolean;
  tokens: number | null;
  durationMs: number | null;
}

const invalid = (message: string, param: string, code = "invalid_value") => new RouterHttpError(400, message, { param, code });

function agentIdFrom(body: Record<string, unknown>, headerValue: string | null): string {
  const agentId = body.agent_id ?? headerValue;
  if (agentId === undefined || agentId === null || agentId === "") throw invalid("agent_id is required (body or x-agent-id header).", "agent_id", "missing_required_parameter");
  return uuidParam({ value: agentId, param: "agent_id" });
}

function executionIdFrom(value: unknown, required: boolean): string | null {
  if (value === undefined || value === null) {
    if (required) throw invalid("execution_id is required.", "execution_id", "missing_required_parameter");
    return null;
  }
  if (typeof value !== "string" || value.trim() === "" || value.length > 200) {
    throw invalid("execution_id must be a string of 1 to 200 characters, not blank.", "execution_id");
  }
  return value;
}

export function parseCompletionRequest(body: Record<string, unknown>, headerAgentId: string | null): CompletionRequest {
  const agentId = agentIdFrom(body, headerAgentId);
  const executionId = executionIdFrom(body.execution_id, false);
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw invalid("messages must be a non-empty array.", "messages");
  }
  if (body.n !== undefined && body.n !== null && body.n !== 1) throw invalid("n must be 1: the router returns one choice.", "n");
  const request = body as unknown as OpenAIChatRequest;
  // Whichever provider ends up answering, the conversation must translate: check it now,
  // before a decision is written, so a bad request leaves nothing behind.
  const check = validateChatRequest({ request });
  if (!check.ok) throw invalid(check.error.message, check.error.param, check.error.code);
  return { agentId, executionId, body: request };
}

export function parseOutcomeRequest(body: Record<string, unknown>, headerAgentId: string | null): OutcomeRequest {
  const agentId = agentIdFrom(body, headerAgentId);
  const executionId = executionIdFrom(body.execution_id, true)!;
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
