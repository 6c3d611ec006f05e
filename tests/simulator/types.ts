// Types of the PROVIDER SIMULATOR, a test double for OpenAI's and Anthropic's HTTP APIs.
// Kept apart from the server so the edge-function tests can import them without the server.

export type Provider = "openai" | "anthropic";

/** A JSON object as parsed from a request body. */
export type JsonObject = { [key: string]: unknown };

/** Canned failures, each rendered in the provider's real status and error body (see errors.ts). */
export type ErrorPreset =
  | "rate_limit"
  | "insufficient_quota"
  | "server_error"
  | "bad_gateway"
  | "unavailable"
  | "overloaded"
  | "unauthorized"
  | "forbidden"
  | "bad_request"
  | "payload_too_large"
  | "model_not_found"
  | "credit_balance_exhausted"
  | "spend_limit_reached"
  | "workspace_spend_limit_reached"
  | "usage_tier_limit_reached"
  | "billing_error";

/**
 * How an Anthropic model treats `temperature` / `top_p` / `top_k` on API version 2023-06-01:
 * "any" within range; "one-of" refuses temperature with top_p (Claude 4.5, 4.6); "default-only"
 * refuses non-default values (Sonnet 5 and later); "none" refuses any explicit value (Opus 4.7, 4.8,
 * Fable, Mythos). Version 2026-10-21 refuses all three on every model, whatever this says.
 */
export type AnthropicSampling = "any" | "one-of" | "default-only" | "none";

/** Whether `tool_choice` any / tool is accepted: always, only with thinking disabled, or never. */
export type ForcedToolChoice = "allowed" | "without-thinking" | "refused";

interface ServedModelBase {
  /** The wire id, exactly as the request's `model` must spell it. */
  id: string;
  /** The largest `max_tokens` (OpenAI: `max_completion_tokens` too) the API accepts. */
  maxOutputTokens: number;
  /** Informational: the simulator does not count tokens. */
  contextWindow: number | null;
  /** YYYY-MM-DD from which the API answers 404 (the model is retired); null when none is announced. */
  retiresAt: string | null;
}

export interface OpenAIServedModel extends ServedModelBase {
  provider: "openai";
  /**
   * Reasoning models refuse `max_tokens` (they take `max_completion_tokens`) and sampling other than
   * the default unless `samplingWhenEffortNone` and the effective reasoning effort is "none".
   * `toolsWithEffort: false`: function tools at an effective `reasoning_effort` (sent, else the default) other than "none"
   * are refused on chat completions.
   */
  reasoning: { defaultEffort: string; samplingWhenEffortNone: boolean; toolsWithEffort: boolean } | null;
}

export interface AnthropicServedModel extends ServedModelBase {
  provider: "anthropic";
  sampling: AnthropicSampling;
  /** Whether a trailing assistant message (prefill) is accepted. */
  prefill: boolean;
  forcedToolChoice: ForcedToolChoice;
}

export type ServedModel = OpenAIServedModel | AnthropicServedModel;

/**
 * A model to serve besides (or, with `builtInModels: false`, instead of) the built-in table: a
 * local model server's ids, another vendor. Only provider, id and output limit are required; the
 * rest default to the most permissive behaviour (no reasoning, any sampling, prefill accepted).
 */
export type ServedModelSpec =
  | (Pick<OpenAIServedModel, "provider" | "id" | "maxOutputTokens"> & Partial<OpenAIServedModel>)
  | (Pick<AnthropicServedModel, "provider" | "id" | "maxOutputTokens"> & Partial<AnthropicServedModel>);

/**
 * Token counts to put on the wire as given, no arithmetic: `inputTokens` is OpenAI's
 * `prompt_tokens` (which includes cached tokens) or Anthropic's `input_tokens` (which does not).
 */
export interface UsageOverride {
  inputTokens?: number;
  outputTokens?: number;
  /** OpenAI `prompt_tokens_details.cached_tokens`, Anthropic `cache_read_input_tokens`. */
  cachedTokens?: number;
  /** Anthropic `cache_creation_input_tokens` (OpenAI has none). */
  cacheCreationTokens?: number;
}

/**
 * Why the answer stopped, provider-neutral; rendered as OpenAI `finish_reason`
 * (stop, length, tool_calls, content_filter; stop_sequence → stop) or Anthropic `stop_reason`
 * (end_turn, max_tokens, tool_use, refusal, stop_sequence).
 */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "stop_sequence";

export interface ScriptedToolCall {
  name: string;
  /** An object (sent as a JSON string to OpenAI, as `input` to Anthropic) or a raw string for OpenAI. */
  arguments?: JsonObject | string;
}

/**
 * One scripted answer. Steps are consumed in order: a request takes the first queued step whose
 * `provider` and `model` (when given) match it. Requests that fail auth or validation consume
 * nothing: the simulator answers those itself, like the real API would before any model runs.
 */
export interface ScriptStep {
  provider?: Provider;
  /** Matches the request body's `model` exactly. */
  model?: string;
  /** How many requests this step answers (default 1); "always" never runs out. */
  times?: number | "always";
  /** Status to answer with; with `error` it replaces the preset's status. */
  status?: number;
  /** Extra response headers. */
  headers?: Record<string, string>;
  /** Raw JSON body to send instead of the generated one (status defaults to 200). */
  body?: unknown;
  error?: ErrorPreset;
  /** Sets `retry-after` (seconds). */
  retryAfterSeconds?: number;
  /** Sets `retry-after-ms`, which both SDKs prefer over `retry-after`. */
  retryAfterMs?: number;
  /** Never answer: the request stays open until the client gives up or the simulator closes. */
  hang?: boolean;
  /** Wait this long before answering (or dropping). */
  delayMs?: number;
  /** Close the connection without any response: the client sees a connection error. */
  drop?: boolean;
  /** Answer 200 with a truncated, unparsable JSON body. */
  malformed?: boolean;
  toolCall?: ScriptedToolCall;
  /** Several tool calls in one answer (parallel tool use), after `toolCall` when both are given. */
  toolCalls?: ScriptedToolCall[];
  /** Text of the answer; with `toolCall` both are sent (content plus a tool call). */
  text?: string;
  usage?: UsageOverride;
  finish?: FinishReason;
  // Streams (a request with `stream: true`). A step with `error`, `status` >= 400, `body` or
  // `malformed` answers a stream request as it would any other: an HTTP error before the first
  // byte, as the real APIs do. `delayMs` delays the first byte (the headers). Events are counted
  // as they go on the wire: OpenAI's `data:` lines including `[DONE]`, Anthropic's events
  // including `ping`.
  /** Pause between two events, ms (time to first token is unaffected). */
  streamIntervalMs?: number;
  /** After this many events, send nothing more but keep the connection open: a stalled stream. */
  stallAfterEvents?: number;
  /** After this many events, close the connection without ending the chunked body. */
  dropAfterEvents?: number;
  /**
   * After this many events, send an error event and end the stream: Anthropic
   * `event: error` with `{"type": "error", "error": {type, message}}`, OpenAI
   * `data: {"error": {message, type, param, code}}` (no `[DONE]`).
   */
  errorAfterEvents?: number;
  /** The preset that error event carries; default "overloaded". */
  streamError?: ErrorPreset;
  /**
   * Random faults: the step's fault (its error, status, body, drop, hang, ...) applies to this share
   * (0 to 1) of the requests it takes; the others get the default answer, as if no step had matched.
   * Drawn in arrival order from a PRNG seeded with `failureSeed`, so a run replays exactly.
   */
  failureRate?: number;
  /** The seed of `failureRate`'s draws (default 1). */
  failureSeed?: number;
}

/**
 * What the simulator did with a request. Streams: "streaming" while events go out, then
 * "answered" (complete), "stalled" (stopped on purpose, see `stallAfterEvents`), "dropped",
 * "stream_error" (an error event ended it) or "aborted" (the client closed it first).
 */
export type Outcome = "pending" | "answered" | "hung" | "dropped" | "streaming" | "stalled" | "stream_error" | "aborted";

export interface ReceivedRequest {
  /** 1-based order of arrival across both providers. */
  seq: number;
  provider: Provider;
  method: string;
  /** Path without the query string, e.g. /v1/messages. */
  path: string;
  /** Header names lowercased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  /** `body.model` when it is a string. */
  model: string | null;
  /** Arrival time, epoch milliseconds (lets tests measure backoff between attempts). */
  time: number;
  /** Status sent, null while pending or when hung / dropped. */
  status: number | null;
  outcome: Outcome;
  /** Whether a script step answered it (else the default behaviour or a validation error). */
  scripted: boolean;
  /**
   * The token counts the simulator put on the wire (a whole answer's `usage`, or a stream's once it
   * ended complete), in UsageOverride's terms; null when it reported none (errors, drops, hangs).
   */
  usage: Required<UsageOverride> | null;
  /** Events written so far when the answer is a stream (see ScriptStep), else null. */
  streamEvents: number | null;
  /**
   * The client closed the connection before the simulator had finished answering (while it
   * waited, hung, stalled or streamed): what a test reads to see that the caller aborted upstream.
   */
  clientAborted: boolean;
}

export type ReceivedFilter =
  | { provider?: Provider; model?: string; path?: string }
  | ((request: ReceivedRequest) => boolean);

export interface SimulatorOptions {
  /** 0 or absent: any free port. */
  port?: number;
  hostname?: "127.0.0.1";
  /** Served in addition to the built-in table (models.ts); a spec with a built-in id replaces it. */
  models?: ServedModelSpec[];
  /** false: serve only `models` (a second instance standing in for a local model server). Default true. */
  builtInModels?: boolean;
  /** The day retirement is judged on (YYYY-MM-DD or a Date); default CATALOG_AS_OF, so runs are reproducible. */
  now?: string | Date;
}

export interface ProviderSimulator {
  /** e.g. http://127.0.0.1:54329 */
  readonly url: string;
  readonly port: number;
  /** `${url}/v1`: the OpenAI SDK's `baseURL` (it appends /chat/completions). */
  readonly openaiBaseUrl: string;
  /** `${url}`: the Anthropic SDK's `baseURL` (it appends /v1/messages). */
  readonly anthropicBaseUrl: string;
  /** Queue steps behind those already queued. Throws TypeError on an invalid step. */
  script(...steps: ScriptStep[]): void;
  /** Steps still queued ("always" steps count as one and never leave). */
  pendingSteps(): number;
  /** Copies of the requests received so far, oldest first. */
  received(filter?: ReceivedFilter): ReceivedRequest[];
  /** How many requests (matching the filter) the client closed before they were finished. */
  abortedCount(filter?: ReceivedFilter): number;
  /** Forget queued steps and received requests (served models stay). */
  reset(): void;
  /** Serve more models from now on (same rules as `SimulatorOptions.models`). Throws TypeError on a bad spec. */
  addModels(...specs: ServedModelSpec[]): void;
  /** The models served on the simulator's day (retired ones excluded), optionally for one provider. */
  models(provider?: Provider): ServedModel[];
  /** Stop listening, release hung requests, wait for every connection to end. Idempotent. */
  close(): Promise<void>;
}

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
