/**
 * Server-sent events, both ways.
 *
 * Encoding is what OpenAI sends and its SDK reads: `data: <json>\n\n` per
 * chunk, `data: [DONE]\n\n` at the end, and for a failure after the first
 * byte `data: {"error": {message, type, param, code}}\n\n` (the SDK throws it
 * as an APIError) with no [DONE] after it.
 *
 * Decoding follows the WHATWG event-stream rules (the parts providers use):
 * lines end with LF, CRLF or CR; `data:` lines of one event join with LF; one
 * space after the colon is dropped; `:` starts a comment; a blank line ends
 * the event. Bytes may be cut anywhere, even inside a UTF-8 character or
 * between CR and LF: `decodeSse` is a reducer over text pieces, `readSse`
 * applies it to a byte stream. An event cut by the end of the stream is dropped.
 */
import type { ChatCompletionChunk, OpenAIStreamError } from "./types.ts";

export const SSE_DONE = "data: [DONE]\n\n";

/** Headers of a streamed answer; the router adds its own (x-routing-*) to these. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  // Proxies (nginx, Supabase's edge) must pass each event on at once.
  "x-accel-buffering": "no",
});

export function encodeSseChunk({ chunk }: { chunk: ChatCompletionChunk }): string {
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

export function encodeSseError({ error }: { error: OpenAIStreamError }): string {
  return `data: ${JSON.stringify({ error })}\n\n`;
}

export interface SseEvent {
  /** The `event:` field; null when the event named none (OpenAI never names them). */
  event: string | null;
  data: string;
}

export interface SseDecoderState {
  /** Text after the last line end: an incomplete line. */
  readonly partial: string;
  /** A CR ended the last piece: an LF at the start of the next one belongs to it. */
  readonly afterCR: boolean;
  readonly event: string | null;
  readonly data: readonly string[];
}

export const INITIAL_SSE_DECODER_STATE: SseDecoderState = Object.freeze({
  partial: "",
  afterCR: false,
  event: null,
  data: Object.freeze([]),
});

/** Feeds one piece of text; `final` marks the end of the stream. */
export function decodeSse(
  { state, text, final = false }: { state: SseDecoderState; text: string; final?: boolean },
): { state: SseDecoderState; events: SseEvent[] } {
  let input = state.afterCR && text.startsWith("\n") ? text.slice(1) : text;
  input = state.partial + input;
  const events: SseEvent[] = [];
  let event = state.event;
  let data = [...state.data];
  let start = 0;
  let afterCR = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== "\n" && ch !== "\r") continue;
    const line = input.slice(start, i);
    if (ch === "\r") {
      if (i + 1 < input.length) {
        if (input[i + 1] === "\n") i++;
      } else {
        afterCR = true;
      }
    }
    start = i + 1;
    if (line === "") {
      if (data.length > 0) events.push({ event, data: data.join("\n") });
      event = null;
      data = [];
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "data") data.push(value);
    else if (field === "event") event = value;
    // id and retry are not used by either provider's chat stream.
  }
  // At the end, an event without its blank line is dropped, as the WHATWG rules say: a
  // connection cut mid-event must not hand on half a JSON body.
  if (final) return { state: INITIAL_SSE_DECODER_STATE, events };
  const partial = input.slice(start);
  return { state: { partial, afterCR, event, data }, events };
}

/** The events of a byte stream (a fetch body), as they complete. */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let state = INITIAL_SSE_DECODER_STATE;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      const step = decodeSse({ state, text, final: done });
      state = step.state;
      yield* step.events;
      if (done) return;
    }
  } finally {
    // A consumer that stops early cancels the body, which ends the request.
    await reader.cancel().catch(() => undefined);
  }
}
