import assert from "node:assert/strict";
import { decodeSse, encodeSseChunk, encodeSseError, INITIAL_SSE_DECODER_STATE, readSse, SSE_DONE, type SseEvent } from "./sse.ts";
import { deepFreeze, FIXTURE_CREATED } from "./test-support.ts";
import type { ChatCompletionChunk } from "./types.ts";

const chunk: ChatCompletionChunk = {
  id: "chatcmpl-1",
  object: "chat.completion.chunk",
  created: FIXTURE_CREATED,
  model: "m",
  choices: [{ index: 0, delta: { content: "é\n" }, logprobs: null, finish_reason: null }],
};

Deno.test("sse encode: chunk, [DONE] and OpenAI's streaming error", () => {
  assert.equal(
    encodeSseChunk(deepFreeze({ chunk })),
    'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1767225600,"model":"m","choices":[{"index":0,"delta":{"content":"é\\n"},"logprobs":null,"finish_reason":null}]}\n\n',
  );
  assert.equal(SSE_DONE, "data: [DONE]\n\n");
  assert.equal(
    encodeSseError({ error: { message: "boom", type: "api_error", param: null, code: "overloaded" } }),
    'data: {"error":{"message":"boom","type":"api_error","param":null,"code":"overloaded"}}\n\n',
  );
});

/** Every line ending, a comment, a multi-line data field, an unterminated event at the end. */
const WIRE = 'event: message_start\r\ndata: {"a":1}\r\n\r\n: keep-alive\n\nevent: ping\rdata: {"type": "ping"}\r\rdata:no-space\ndata:  two\n\ndata: [DONE]\n\nevent: cut\ndata: {"half';
const EVENTS: SseEvent[] = [
  { event: "message_start", data: '{"a":1}' },
  { event: "ping", data: '{"type": "ping"}' },
  { event: null, data: "no-space\n two" },
  { event: null, data: "[DONE]" },
];

function decodeAll(pieces: string[]): SseEvent[] {
  let state = INITIAL_SSE_DECODER_STATE;
  const events: SseEvent[] = [];
  pieces.forEach((text, i) => {
    const step = decodeSse(deepFreeze({ state, text, final: i === pieces.length - 1 }));
    state = deepFreeze(step.state);
    events.push(...step.events);
  });
  return events;
}

Deno.test("sse decode: the whole text at once", () => {
  assert.deepStrictEqual(decodeAll([WIRE]), EVENTS);
});

Deno.test("sse decode: cut at every position (CR and LF apart too), the same events", () => {
  for (let at = 0; at <= WIRE.length; at++) {
    assert.deepStrictEqual(decodeAll([WIRE.slice(0, at), WIRE.slice(at), ""]), EVENTS, `cut at ${at}`);
  }
});

Deno.test("sse decode: one character at a time", () => {
  assert.deepStrictEqual(decodeAll([...WIRE, ""]), EVENTS);
});

Deno.test("readSse: bytes cut inside a UTF-8 character and inside an event", async () => {
  const bytes = new TextEncoder().encode(encodeSseChunk({ chunk }) + SSE_DONE);
  const at = bytes.indexOf(0xc3) + 1; // between the two bytes of "é"
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.slice(0, at));
      controller.enqueue(bytes.slice(at));
      controller.close();
    },
  });
  const events: SseEvent[] = [];
  for await (const event of readSse(body)) events.push(event);
  assert.deepStrictEqual(events.map((e) => e.data === "[DONE]" ? e.data : JSON.parse(e.data)), [chunk, "[DONE]"]);
});

Deno.test("readSse: a consumer that stops early cancels the body", async () => {
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(new TextEncoder().encode("data: x\n\n"));
    },
    cancel() {
      cancelled = true;
    },
  });
  for await (const _ of readSse(body)) break;
  assert.equal(cancelled, true);
});
