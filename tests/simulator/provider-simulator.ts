// PROVIDER SIMULATOR — a TEST DOUBLE, never a real provider. It speaks OpenAI's chat-completions
// (POST /v1/chat/completions) and Anthropic's Messages (POST /v1/messages) wire protocols on
// loopback, so the real `openai` and `@anthropic-ai/sdk` clients (and the router's own fetches)
// can be pointed at it with `baseURL`. It checks keys and validates conversations the way the real
// APIs do (a translated conversation that passes here is valid on the wire), serves only the
// models of its table (models.ts, plus any a test adds; 404 in each API's shape otherwise) with
// each model's own rules (model-rules.ts), answers
// deterministically by default, and follows a script for failures: error presets with the real
// bodies, retry-after, hangs, dropped connections, malformed bodies; `stream: true` answers as
// server-sent events (stream-events.ts) with stream faults (stall, drop, error event, slow
// events) and notes a client that aborts (`clientAborted`). A control API under
// /__simulator/ lets another process script it (see main.ts).
import { anthropicMessage, decideAnswer, IdSource, openaiCompletion } from "./answers.ts";
import {
  anthropicError,
  type ErrorReply,
  invalidRequest,
  missingKeyError,
  modelNotFoundError,
  openaiError,
  presetError,
  statusError,
} from "./errors.ts";
import { type ClosedBy, type Exchange, type RawResponse, serveHttp1 } from "./http1.ts";
import { ModelRegistry } from "./model-registry.ts";
import { anthropicModelRule, openaiModelRule } from "./model-rules.ts";
import { ScriptQueue } from "./script-queue.ts";
import { anthropicStreamEvents, openaiStreamEvents, streamErrorEvent } from "./stream-events.ts";
import type {
  JsonObject,
  Provider,
  ProviderSimulator,
  ReceivedFilter,
  ReceivedRequest,
  ScriptStep,
  SimulatorOptions,
  UsageOverride,
} from "./types.ts";
import { isRecord } from "./types.ts";
import { ANTHROPIC_VERSIONS, validateAnthropicRequest } from "./validate-anthropic.ts";
import { validateOpenAIRequest } from "./validate-openai.ts";

export type * from "./types.ts";
export { TEXT_OUTPUT_TOKENS, TOOL_CALL_OUTPUT_TOKENS } from "./answers.ts";
export { BUILT_IN_MODELS, CATALOG_AS_OF } from "./models.ts";

const PROVIDER_PATHS: Record<string, Provider> = { "/v1/chat/completions": "openai", "/v1/messages": "anthropic" };

const json = (status: number, body: unknown, headers: Record<string, string> = {}): RawResponse => ({
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/** Resolves true after `ms`, or false as soon as the connection closes (the timer is cleared either way). */
function sleep(ms: number, closed: Promise<ClosedBy>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const elapsed = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), ms);
  });
  return Promise.race([elapsed, closed.then(() => false)]).finally(() => clearTimeout(timer));
}

function matches(request: ReceivedRequest, filter: ReceivedFilter | undefined): boolean {
  if (filter === undefined) return true;
  if (typeof filter === "function") return filter(request);
  return (filter.provider === undefined || filter.provider === request.provider) &&
    (filter.model === undefined || filter.model === request.model) &&
    (filter.path === undefined || filter.path === request.path);
}

/** The usage of a built answer (openaiCompletion / anthropicMessage), in UsageOverride's terms. */
function reportedUsage(provider: Provider, answer: JsonObject): Required<UsageOverride> {
  const usage = answer.usage as Record<string, unknown>;
  const n = (value: unknown) => Number(value ?? 0);
  return provider === "openai"
    ? {
      inputTokens: n(usage.prompt_tokens),
      outputTokens: n(usage.completion_tokens),
      cachedTokens: n((usage.prompt_tokens_details as Record<string, unknown> | undefined)?.cached_tokens),
      cacheCreationTokens: 0,
    }
    : {
      inputTokens: n(usage.input_tokens),
      outputTokens: n(usage.output_tokens),
      cachedTokens: n(usage.cache_read_input_tokens),
      cacheCreationTokens: n(usage.cache_creation_input_tokens),
    };
}

/** The key a request carries, per the provider's auth scheme, or null. */
function apiKey(provider: Provider, headers: Record<string, string>): string | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers["authorization"] ?? "")?.[1] ?? null;
  // Anthropic takes `x-api-key`; its SDK 1.x sends the key as `Authorization: Bearer` instead.
  if (provider === "anthropic") return headers["x-api-key"]?.trim() || bearer;
  return bearer;
}

export function startProviderSimulator(options: SimulatorOptions = {}): Promise<ProviderSimulator> {
  const hostname = options.hostname ?? "127.0.0.1";
  // Built first: a bad model spec or day rejects before anything listens.
  let registry: ModelRegistry;
  try {
    registry = new ModelRegistry(options);
  } catch (error) {
    return Promise.reject(error);
  }
  const queue = new ScriptQueue();
  const ids = new IdSource();
  let received: ReceivedRequest[] = [];
  let seq = 0;

  const baseHeaders = (provider: Provider, requestId: string): Record<string, string> =>
    provider === "openai"
      ? { "x-request-id": requestId, "openai-processing-ms": "1", "openai-version": "2020-10-01" }
      : { "request-id": requestId };

  const errorResponse = (provider: Provider, reply: ErrorReply, requestId: string): RawResponse =>
    json(reply.status, reply.body, baseHeaders(provider, requestId));

  /** Whether a step makes a stream request fail before its first byte, as a plain HTTP error. */
  const answersBeforeStream = (step: ScriptStep | null): boolean =>
    step !== null && (step.malformed === true || step.error !== undefined || step.body !== undefined ||
      (step.status !== undefined && step.status >= 400));

  /** The success answer, streamed event by event, with the step's stream faults. */
  const stream = async (
    provider: Provider,
    exchange: Exchange,
    record: ReceivedRequest,
    body: JsonObject,
    model: string,
    step: ScriptStep | null,
    requestId: string,
  ): Promise<void> => {
    const answer = decideAnswer(provider, body, model, step);
    const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
    const built = provider === "openai" ? openaiCompletion(body, model, answer, step, ids) : anthropicMessage(body, model, answer, step, ids);
    const events = provider === "openai" ? openaiStreamEvents(built, includeUsage) : anthropicStreamEvents(built);
    let clientGone = false;
    void exchange.closed.then((by) => {
      if (by === "client" && record.outcome !== "answered" && record.outcome !== "dropped") {
        clientGone = true;
        record.clientAborted = true;
        if (record.outcome === "streaming") record.outcome = "aborted";
      }
    });
    record.status = 200;
    record.outcome = "streaming";
    record.streamEvents = 0;
    const writer = await exchange.openStream(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      ...baseHeaders(provider, requestId),
      ...(step?.headers ?? {}),
    });
    for (let i = 0; i < events.length; i++) {
      if (step?.stallAfterEvents === i) {
        record.outcome = "stalled";
        await exchange.closed;
        return;
      }
      if (step?.dropAfterEvents === i) {
        record.outcome = "dropped";
        return exchange.drop();
      }
      if (step?.errorAfterEvents === i) {
        const preset = presetError(provider, step.streamError ?? "overloaded", model, requestId);
        if (await writer.write(streamErrorEvent(provider, preset.body))) record.streamEvents += 1;
        record.outcome = "stream_error";
        return writer.end();
      }
      if (i > 0 && step?.streamIntervalMs && !(await sleep(step.streamIntervalMs, exchange.closed))) return;
      if (clientGone || !(await writer.write(events[i]))) {
        record.clientAborted = true;
        record.outcome = "aborted";
        return;
      }
      record.streamEvents += 1;
    }
    record.outcome = "answered";
    // OpenAI streams carry usage only when asked to (stream_options.include_usage).
    if (provider === "anthropic" || includeUsage) record.usage = reportedUsage(provider, built);
    await writer.end();
  };

  /** The response a step asks for, or a success built from `body`. */
  const render = (
    provider: Provider,
    body: JsonObject,
    model: string,
    step: ScriptStep | null,
    requestId: string,
    record: ReceivedRequest,
  ): RawResponse => {
    const headers: Record<string, string> = { "content-type": "application/json", ...baseHeaders(provider, requestId) };
    if (step?.retryAfterSeconds !== undefined) headers["retry-after"] = String(step.retryAfterSeconds);
    if (step?.retryAfterMs !== undefined) headers["retry-after-ms"] = String(step.retryAfterMs);
    Object.assign(headers, step?.headers ?? {});
    const build = (): JsonObject => {
      const answer = decideAnswer(provider, body, model, step);
      return provider === "openai" ? openaiCompletion(body, model, answer, step, ids) : anthropicMessage(body, model, answer, step, ids);
    };
    if (step?.malformed) {
      const full = JSON.stringify(build());
      return { status: step.status ?? 200, headers, body: full.slice(0, Math.floor(full.length / 2)) };
    }
    if (step?.error) {
      const preset = presetError(provider, step.error, model, requestId);
      return { status: step.status ?? preset.status, headers, body: JSON.stringify(step.body ?? preset.body) };
    }
    if (step?.body !== undefined) return { status: step.status ?? 200, headers, body: JSON.stringify(step.body) };
    if (step?.status !== undefined && step.status >= 400) {
      return { status: step.status, headers, body: JSON.stringify(statusError(provider, step.status, requestId).body) };
    }
    const built = build();
    record.usage = reportedUsage(provider, built);
    return { status: step?.status ?? 200, headers, body: JSON.stringify(built) };
  };

  /** Checks a provider request like the real API would; null when it may go on to the script. */
  const check = (provider: Provider, exchange: Exchange, body: unknown, requestId: string): ErrorReply | null => {
    const headers = exchange.request.headers;
    if (!apiKey(provider, headers)) return missingKeyError(provider, requestId);
    if (provider === "anthropic") {
      const version = headers["anthropic-version"];
      if (!version) return invalidRequest(provider, "anthropic-version: header is required", requestId);
      if (!(ANTHROPIC_VERSIONS as readonly string[]).includes(version)) {
        return invalidRequest(provider, `anthropic-version: "${version}" is not a valid version`, requestId);
      }
    }
    if (body === undefined) {
      return invalidRequest(
        provider,
        provider === "openai"
          ? "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)"
          : "There was an issue with the formatting or content of your request: the body is not valid JSON.",
        requestId,
      );
    }
    if (provider === "openai") {
      const invalid = validateOpenAIRequest(body);
      if (invalid) return invalidRequest(provider, invalid.message, requestId, invalid.param, invalid.code ?? null);
    } else {
      const invalid = validateAnthropicRequest(body, headers["anthropic-version"]);
      if (invalid) return invalidRequest(provider, invalid, requestId);
    }
    // The body is well formed, so it names a model: one the API serves today, with its own rules.
    const json = body as JsonObject;
    const model = registry.find(provider, json.model as string);
    if (!model) return modelNotFoundError(provider, json.model as string, requestId);
    if (model.provider === "openai") {
      const invalid = openaiModelRule(json, model);
      return invalid ? invalidRequest(provider, invalid.message, requestId, invalid.param, invalid.code ?? null) : null;
    }
    const invalid = anthropicModelRule(json, model, headers["anthropic-version"]);
    return invalid ? invalidRequest(provider, invalid, requestId) : null;
  };

  const handleProvider = async (provider: Provider, exchange: Exchange): Promise<void> => {
    const { request } = exchange;
    const text = new TextDecoder().decode(request.body);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const model = isRecord(body) && typeof body.model === "string" ? body.model : null;
    const record: ReceivedRequest = {
      seq: ++seq,
      provider,
      method: request.method,
      path: request.path,
      headers: { ...request.headers },
      body: body === undefined ? text : body,
      model,
      time: Date.now(),
      status: null,
      outcome: "pending",
      scripted: false,
      usage: null,
      streamEvents: null,
      clientAborted: false,
    };
    received.push(record);
    const respond = async (response: RawResponse): Promise<void> => {
      record.status = response.status;
      record.outcome = "answered";
      await exchange.respond(response);
    };
    const requestId = ids.next("req_");
    if (request.method !== "POST") {
      const reply = provider === "openai"
        ? openaiError(405, `Invalid method for URL (${request.method} ${request.path})`, "invalid_request_error")
        : anthropicError(405, "invalid_request_error", "Method not allowed", requestId);
      return respond(errorResponse(provider, reply, requestId));
    }
    const rejected = check(provider, exchange, body, requestId);
    if (rejected) return respond(errorResponse(provider, rejected, requestId));
    const step = queue.take(provider, model);
    record.scripted = step !== null;
    if (step?.delayMs && !(await sleep(step.delayMs, exchange.closed))) {
      record.clientAborted = (await exchange.closed) === "client";
      return;
    }
    if (step?.drop) {
      record.outcome = "dropped";
      return exchange.drop();
    }
    if (step?.hang) {
      record.outcome = "hung";
      record.clientAborted = (await exchange.closed) === "client";
      return;
    }
    if ((body as JsonObject).stream === true && !answersBeforeStream(step)) {
      return stream(provider, exchange, record, body as JsonObject, model ?? "", step, requestId);
    }
    await respond(render(provider, body as JsonObject, model ?? "", step, requestId, record));
  };

  const handleControl = async (exchange: Exchange): Promise<void> => {
    const { method, path, query } = exchange.request;
    const route = `${method} ${path}`;
    if (route === "POST /__simulator/script") {
      try {
        const parsed: unknown = JSON.parse(new TextDecoder().decode(exchange.request.body));
        queue.push(Array.isArray(parsed) ? parsed : [parsed]);
        return exchange.respond(json(200, { queued: Array.isArray(parsed) ? parsed.length : 1, pending: queue.length }));
      } catch (error) {
        return exchange.respond(json(400, { error: error instanceof Error ? error.message : String(error) }));
      }
    }
    if (route === "POST /__simulator/reset") {
      simulator.reset();
      return exchange.respond(json(200, { reset: true }));
    }
    if (route === "GET /__simulator/received") {
      const provider = query.get("provider");
      const filter: ReceivedFilter = {
        provider: provider === "openai" || provider === "anthropic" ? provider : undefined,
        model: query.get("model") ?? undefined,
        path: query.get("path") ?? undefined,
      };
      return exchange.respond(json(200, simulator.received(filter)));
    }
    if (route === "POST /__simulator/models") {
      try {
        const parsed: unknown = JSON.parse(new TextDecoder().decode(exchange.request.body));
        registry.add(Array.isArray(parsed) ? parsed : [parsed]);
        return exchange.respond(json(200, { served: registry.list().length }));
      } catch (error) {
        return exchange.respond(json(400, { error: error instanceof Error ? error.message : String(error) }));
      }
    }
    if (route === "GET /__simulator/models") {
      const provider = query.get("provider");
      return exchange.respond(json(200, registry.list(provider === "openai" || provider === "anthropic" ? provider : undefined)));
    }
    if (route === "GET /__simulator/health") {
      return exchange.respond(json(200, { ok: true, pendingSteps: queue.length, received: received.length }));
    }
    await exchange.respond(json(404, { error: `no simulator control route ${route}` }));
  };

  const server = serveHttp1({ hostname, port: options.port ?? 0 }, (exchange) => {
    const { path, headers } = exchange.request;
    if (path.startsWith("/__simulator/")) return handleControl(exchange);
    const provider = PROVIDER_PATHS[path];
    if (provider) return handleProvider(provider, exchange);
    // Unknown path: answer in the shape of whichever API the caller seems to speak.
    const requestId = ids.next("req_");
    return "anthropic-version" in headers
      ? exchange.respond(json(404, { type: "error", error: { type: "not_found_error", message: "Not Found" }, request_id: requestId }, { "request-id": requestId }))
      : exchange.respond(json(404, { error: { message: `Invalid URL (${exchange.request.method} ${path})`, type: "invalid_request_error", param: null, code: null } }, { "x-request-id": requestId }));
  });

  const url = `http://${hostname}:${server.port}`;
  const simulator: ProviderSimulator = {
    url,
    port: server.port,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    script: (...steps) => queue.push(steps),
    pendingSteps: () => queue.length,
    received: (filter) => received.filter((r) => matches(r, filter)).map((r) => structuredClone(r)),
    abortedCount: (filter) => received.filter((r) => r.clientAborted && matches(r, filter)).length,
    reset: () => {
      queue.clear();
      received = [];
    },
    addModels: (...specs) => registry.add(specs),
    models: (provider) => registry.list(provider),
    close: () => server.close(),
  };
  return Promise.resolve(simulator);
}
