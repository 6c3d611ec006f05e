/**
 * An OpenAI-compatible upstream's chunks → the caller's: the same chunks,
 * re-labelled with the catalog name, with the usage the router needs captured
 * on the way. Upstream is always asked for usage (`upstreamStreamBody`), since
 * the record needs the provider's own counts; the usage chunk (and the
 * `usage: null` OpenAI then adds to every chunk) reaches only callers who asked.
 *
 *   const body = upstreamStreamBody({ body: openaiBody });
 *   let state = INITIAL_OPENAI_PASSTHROUGH_STATE;
 *   for await (const chunk of sdkStream) ({ state, chunks, end } = passOpenAIChunk({ state, chunk, options }));
 *   const end = endOpenAIPassthrough({ state });   // when upstream finished ([DONE])
 */
import { normalizeOpenAIUsage } from "../translate/normalize-usage.ts";
import {
  failureFromOpenAIError,
  malformedStreamFailure,
  streamErrorFromFailure,
} from "./stream-failure.ts";
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionCreateParamsStreaming,
  OpenAIFinishReason,
  OpenAIStreamError,
  ProviderFailure,
  StreamEnd,
  StreamStep,
  StreamUsage,
} from "./types.ts";

export interface OpenAIPassthroughOptions {
  /** The model name callers see (the catalog name). */
  model: string;
  /** The caller's own `stream_options.include_usage`. */
  includeUsage: boolean;
}

export interface OpenAIPassthroughState {
  readonly usage: StreamUsage;
  /** The first choice's `finish_reason`, once a chunk carried one. */
  readonly finishReason: OpenAIFinishReason | null;
  readonly ended: boolean;
}

export const INITIAL_OPENAI_PASSTHROUGH_STATE: OpenAIPassthroughState = Object.freeze({
  usage: Object.freeze({
    tokens: Object.freeze({ input_tokens: 0, output_tokens: 0, cached_tokens: 0, cache_write_tokens: 0 }),
    final: false,
  }),
  finishReason: null,
  ended: false,
});

/** What a raw SSE reader may see instead of a chunk: OpenAI's streaming error. */
export interface OpenAIErrorPayload {
  error: OpenAIStreamError;
}

type Step = StreamStep<OpenAIPassthroughState, ChatCompletionChunk>;

/** The body to send upstream: streamed, with usage, whatever the caller asked. */
export function upstreamStreamBody(
  { body }: { body: ChatCompletionCreateParamsBase },
): ChatCompletionCreateParamsStreaming {
  return { ...body, stream: true, stream_options: { ...body.stream_options, include_usage: true } };
}

export function passOpenAIChunk(
  { state, chunk, options }: {
    state: OpenAIPassthroughState;
    chunk: ChatCompletionChunk | OpenAIErrorPayload;
    options: OpenAIPassthroughOptions;
  },
): Step {
  if (state.ended) return { state, chunks: [], end: null };
  if ("error" in chunk) return fail(state, failureFromOpenAIError({ error: chunk.error }));
  if (!Array.isArray(chunk.choices)) {
    return fail(state, malformedStreamFailure({ message: "OpenAI stream: a chunk without choices." }));
  }
  const usage = chunk.usage
    ? { tokens: normalizeOpenAIUsage({ usage: chunk.usage }), final: true }
    : state.usage;
  const finish = chunk.choices.find((c) => c.index === 0)?.finish_reason ?? null;
  const next: OpenAIPassthroughState = {
    ...state,
    usage,
    // `function_call` is the deprecated functions API, which the router refuses before any call.
    finishReason: finish !== null && finish !== "function_call" ? finish : state.finishReason,
  };
  const { usage: _usage, ...rest } = chunk;
  if (!options.includeUsage && chunk.choices.length === 0) return { state: next, chunks: [], end: null };
  const relabelled: ChatCompletionChunk = options.includeUsage
    ? { ...chunk, model: options.model }
    : { ...rest, model: options.model };
  return { state: next, chunks: [relabelled], end: null };
}

/** Upstream finished: complete if a finish_reason came, else it was cut short. */
export function endOpenAIPassthrough({ state }: { state: OpenAIPassthroughState }): StreamEnd {
  if (state.finishReason === null) {
    const failure = malformedStreamFailure({ message: "OpenAI stream: it ended before a finish_reason." });
    return { type: "failed", failure, error: streamErrorFromFailure({ failure }) };
  }
  return { type: "complete", finishReason: state.finishReason };
}

function fail(state: OpenAIPassthroughState, failure: ProviderFailure): Step {
  return {
    state: { ...state, ended: true },
    chunks: [],
    end: { type: "failed", failure, error: streamErrorFromFailure({ failure }) },
  };
}
