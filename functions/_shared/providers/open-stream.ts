// One streamed attempt at one target: send the prepared body (prepare-request.ts) with
// `stream: true` through the SDK of the target's provider kind, and read it up to the first chunk
// the caller would see (../stream/sse-response.ts). Until then it is an attempt like
// call-provider.ts's (an HTTP error, an error event, a stall or a drop is a ProviderFailure the
// retry and fallback loops judge); once a chunk is there, the caller's SSE body and what to record
// when it ends. Never throws for provider trouble.
//
// Time: the SDK's `timeout` (the attempt's) runs until the response headers; from then on each
// event, the first included, must come within `stallMs` of the one before.
import type { NormalizedUsage } from "../translate/mod.ts";
import type { AttemptOutcome } from "../routing/retry.ts";
import type { DecisionTarget } from "../routing/types.ts";
import {
  anthropicChunkSource,
  openaiChunkSource,
  restoredChunkSource,
  type StartedStream,
  startSseStream,
  streamFailureFromThrown,
  type StreamRecord,
  upstreamStreamBody,
} from "../stream/mod.ts";
import type { ChatCompletionCreateParamsBase } from "../stream/types.ts";
import { toCallerToolId } from "../translate/tool-id-map.ts";
import { anthropicClient, openaiClient } from "./clients.ts";
import { resolveConnection } from "./connection.ts";
import type { PreparedRequest } from "./prepare-request.ts";
import { failureFromSdkError } from "./sdk-failure.ts";

type Env = { get(name: string): string | undefined };

export interface StreamSettings {
  /** The longest silence between two events (ROUTER_STREAM_STALL_MS). */
  stallMs: number;
  /** The caller's request signal: aborted when the client disconnects. */
  signal: AbortSignal | undefined;
  /** The caller's `stream_options.include_usage`. Upstream is always asked for usage. */
  includeUsage: boolean;
  /** Unix seconds on every translated (Anthropic) chunk. */
  created: number;
}

/** The end of a stream, for the record: the driver's record and what the restore dropped. */
export interface StreamedAnswer extends StreamRecord {
  warnings: string[];
}

export interface OpenedStream {
  /** The caller's SSE body: its first chunk is ready. */
  body: ReadableStream<Uint8Array>;
  /** Settles (never rejects) when the stream ended: completed, failed, stalled or cut by the caller. */
  done: Promise<StreamedAnswer>;
}

const NO_TOKENS: NormalizedUsage = { input_tokens: 0, output_tokens: 0, cached_tokens: 0, cache_write_tokens: 0 };

/**
 * An attempt's outcome, or `failure: null`: the caller left before the first byte (the upstream
 * request was aborted), with the provider's counts so far. A success carries no tokens yet: they
 * are known when the stream ends (`done`).
 */
export type StreamAttemptOutcome = AttemptOutcome<OpenedStream> | { ok: false; failure: null; usage: NormalizedUsage };

export async function openStream(
  { target, prepared, timeoutMs, stream, env = Deno.env }: {
    target: DecisionTarget;
    prepared: PreparedRequest;
    timeoutMs: number;
    stream: StreamSettings;
    env?: Env;
  },
): Promise<StreamAttemptOutcome> {
  const { stallMs, signal } = stream;
  const failureFromError = (error: unknown) => streamFailureFromThrown({ error }) ?? failureFromSdkError(error);
  let started: StartedStream;
  let warnings: () => string[];
  try {
    const connection = resolveConnection({ target, env });
    const wire = prepared.wire;
    const kind = wire.kind;
    switch (kind) {
      case "openai-compatible": {
        const body = upstreamStreamBody({ body: wire.body as unknown as ChatCompletionCreateParamsBase });
        const upstream = await openaiClient(connection).chat.completions.create(body, { timeout: timeoutMs, maxRetries: 0, signal });
        const chunks = restoredChunkSource({
          source: openaiChunkSource({ options: { model: target.model, includeUsage: stream.includeUsage } }),
          restore: prepared.restore,
        });
        warnings = chunks.warnings;
        started = await startSseStream({
          source: upstream, chunks, stallMs, signal, abortUpstream: () => upstream.controller.abort(), failureFromError,
        });
        break;
      }
      case "anthropic": {
        const upstream = await anthropicClient(connection).messages.create(
          { ...wire.body, stream: true },
          { timeout: timeoutMs, maxRetries: 0, signal },
        );
        const chunks = restoredChunkSource({
          source: anthropicChunkSource({
            options: {
              model: target.model,
              created: stream.created,
              includeUsage: stream.includeUsage,
              toCallerId: (id) => toCallerToolId({ toolIds: wire.toolIds, id }),
            },
          }),
          restore: prepared.restore,
        });
        warnings = chunks.warnings;
        started = await startSseStream({
          source: upstream, chunks, stallMs, signal, abortUpstream: () => upstream.controller.abort(), failureFromError,
        });
        break;
      }
      default: {
        const unknownKind: never = kind;
        throw new Error(`unknown provider kind ${JSON.stringify(unknownKind)}`);
      }
    }
  } catch (error) {
    // The SDK throws APIUserAbortError when the caller's signal ended the request.
    if (signal?.aborted) return { ok: false, failure: null, usage: NO_TOKENS };
    return { ok: false, failure: failureFromSdkError(error) };
  }
  if (!started.ok) {
    return started.failure === null
      ? { ok: false, failure: null, usage: started.usage.tokens }
      : { ok: false, failure: started.failure };
  }
  const done = started.done.then((record) => ({ ...record, warnings: warnings() }));
  return { ok: true, value: { body: started.body, done }, status: 200, usage: NO_TOKENS };
}
