/**
 * The streaming driver: a provider's event iterator in, the caller's SSE body
 * and the record out. It reads until the first chunk that carries something
 * (content, a tool call, a finish reason, usage) before it answers: the opening
 * role-only chunk is held back with it, since Anthropic opens with
 * message_start and may send an error (overloaded_error, the stream's 529)
 * right after it. So a failure before the first byte (an HTTP error, an error
 * event or a stall before any content) is an ordinary failed attempt the
 * router may retry or fall back on; after it, a failure ends the body with
 * OpenAI's streaming error, and `done` says what to record.
 *
 *   const started = await startSseStream({ source: sdkStream, chunks: anthropicChunkSource({ options }),
 *     stallMs, signal: request.signal, abortUpstream: () => sdkStream.controller.abort(), failureFromError });
 *   if (!started.ok) → attempt failure (started.failure, started.usage): retry / fall back
 *   else → new Response(started.body, { headers: { ...SSE_HEADERS, ...routingHeaders } });
 *          const record = await started.done;   // record_completion when the stream ends
 */
import type { ChunkSource } from "./chunk-sources.ts";
import { withStallTimeout } from "./stall-timeout.ts";
import {
  accumulateChunk,
  EMPTY_STREAM_ACCUMULATION,
  type StreamAccumulation,
  type StreamSummary,
  summarizeStream,
} from "./stream-accumulator.ts";
import { streamErrorFromFailure } from "./stream-failure.ts";
import { encodeSseChunk, encodeSseError, SSE_DONE } from "./sse.ts";
import type { ChatCompletionChunk, ProviderFailure, StreamEnd, StreamUsage } from "./types.ts";

/** How the stream ended, for the record: only "complete" is a successful attempt. */
export type StreamEnding = "complete" | "provider_error" | "stalled" | "client_aborted";

export interface StreamRecord extends StreamSummary {
  ending: StreamEnding;
}

export type StartedStream =
  | { ok: true; body: ReadableStream<Uint8Array>; done: Promise<StreamRecord> }
  /** Nothing reached the caller: an attempt failure like any other (usage: what the provider counted). */
  | { ok: false; failure: ProviderFailure; usage: StreamUsage; ending: "provider_error" | "stalled" }
  /** The caller left before the first chunk; the upstream request was aborted. */
  | { ok: false; failure: null; usage: StreamUsage; ending: "client_aborted" };

type Piece =
  | { kind: "chunks"; chunks: ChatCompletionChunk[] }
  | { kind: "end"; ending: StreamEnding; end: StreamEnd | null };

export async function startSseStream<E>(
  { source, chunks, stallMs, signal, abortUpstream, failureFromError }: {
    source: AsyncIterable<E>;
    chunks: ChunkSource<E>;
    stallMs: number;
    /** The caller's request signal (aborted when the client disconnects). */
    signal?: AbortSignal;
    abortUpstream: () => void;
    /** What the SDK throws mid-stream (an error event, a dropped connection) → a failure (sdk-failure.ts). */
    failureFromError: (error: unknown) => ProviderFailure;
  },
): Promise<StartedStream> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  const steps = withStallTimeout({ source, stallMs, signal: stop.signal, abortUpstream })[Symbol.asyncIterator]();
  /** An end that came with chunks (message_stop with the usage chunk): sent after them. */
  let pendingEnd: StreamEnd | null = null;
  /** Stops reading: the upstream request is aborted unless it already ended. */
  const release = (): void => {
    signal?.removeEventListener("abort", onAbort);
    void steps.return(undefined);
  };

  /** The next thing to send: chunks (never an empty list) or the end. */
  const next = async (): Promise<Piece> => {
    if (pendingEnd) return endPiece(pendingEnd);
    for (;;) {
      let step;
      try {
        step = await steps.next();
      } catch (error) {
        const failure = failureFromError(error);
        return endPiece({ type: "failed", failure, error: streamErrorFromFailure({ failure }) });
      }
      if (step.done) return endPiece(chunks.finish());
      const value = step.value;
      switch (value.kind) {
        case "stalled":
          return { kind: "end", ending: "stalled", end: { type: "failed", failure: value.failure, error: streamErrorFromFailure({ failure: value.failure }) } };
        case "aborted":
          return { kind: "end", ending: "client_aborted", end: null };
        case "event": {
          const out = chunks.step(value.event);
          if (out.chunks.length > 0) {
            pendingEnd = out.end;
            return { kind: "chunks", chunks: out.chunks };
          }
          if (out.end) return endPiece(out.end);
          continue;
        }
        default: {
          const never: never = value;
          throw new Error(`unknown stall step ${JSON.stringify(never)}`);
        }
      }
    }
  };

  // The opening role-only chunks are held until something follows them (see the header).
  const opening: ChatCompletionChunk[] = [];
  let first = await next();
  while (first.kind === "chunks" && first.chunks.every(carriesNothing)) {
    opening.push(...first.chunks);
    first = await next();
  }
  if (first.kind === "end" && first.end?.type !== "complete") {
    release();
    const usage = chunks.usage();
    if (first.end === null) return { ok: false, failure: null, usage, ending: "client_aborted" };
    return { ok: false, failure: first.end.failure, usage, ending: first.ending === "stalled" ? "stalled" : "provider_error" };
  }

  let accumulation: StreamAccumulation = EMPTY_STREAM_ACCUMULATION;
  let settle: (record: StreamRecord) => void = () => {};
  const done = new Promise<StreamRecord>((resolve) => (settle = resolve));
  let finished = false;
  const finish = (ending: StreamEnding, end: StreamEnd | null): void => {
    finished = true;
    release();
    settle({ ...summarizeStream({ accumulation, end, usage: chunks.usage() }), ending });
  };
  const encoder = new TextEncoder();
  const write = (controller: ReadableStreamDefaultController<Uint8Array>, piece: Piece): void => {
    if (piece.kind === "chunks") {
      for (const chunk of piece.chunks) {
        accumulation = accumulateChunk({ accumulation, chunk });
        controller.enqueue(encoder.encode(encodeSseChunk({ chunk })));
      }
      return;
    }
    if (piece.end?.type === "complete") controller.enqueue(encoder.encode(SSE_DONE));
    if (piece.end?.type === "failed") controller.enqueue(encoder.encode(encodeSseError({ error: piece.end.error })));
    finish(piece.ending, piece.end);
    controller.close();
  };

  const body = new ReadableStream<Uint8Array>({
    start: (controller) => {
      if (opening.length > 0) write(controller, { kind: "chunks", chunks: opening });
      write(controller, first);
    },
    async pull(controller) {
      if (finished) return;
      const piece = await next();
      // Cancelled while waiting: cancel() has written the record already.
      if (!finished) write(controller, piece);
    },
    cancel() {
      // The client went away: abort upstream and record what it received.
      stop.abort();
      if (!finished) finish("client_aborted", null);
    },
  });
  return { ok: true, body, done };
}

/** A chunk that only opens the answer (the role, empty content): nothing the caller could act on. */
function carriesNothing(chunk: ChatCompletionChunk): boolean {
  return (chunk.usage === undefined || chunk.usage === null) && chunk.choices.length > 0 &&
    chunk.choices.every(({ delta, finish_reason }) =>
      finish_reason === null && !delta.content && !delta.refusal && (delta.tool_calls ?? []).length === 0 &&
      delta.function_call === undefined
    );
}

function endPiece(end: StreamEnd): Piece {
  return { kind: "end", ending: end.type === "complete" ? "complete" : "provider_error", end };
}
