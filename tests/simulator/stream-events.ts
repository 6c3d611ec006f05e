// Streamed answers of the PROVIDER SIMULATOR (a test double): the same answer as the non-streamed
// one (answers.ts builds it once), cut into server-sent events the way each API streams it, so a
// streamed call and its non-streamed twin carry the same content, ids and token counts.
//   OpenAI: `data: {chat.completion.chunk}` lines (role first, content pieces, tool-call deltas
//   with `index`, `id` and `function.name` first and `arguments` fragments after, `finish_reason`
//   on the last choice chunk, the usage chunk with `choices: []` when `stream_options.include_usage`),
//   then `data: [DONE]`.
//   Anthropic: message_start (input and cache usage), ping, content_block_start / _delta / _stop
//   per block (`text_delta`, `input_json_delta`), message_delta (stop reason, cumulative usage),
//   message_stop.
import { isRecord, type JsonObject } from "./types.ts";

/** Characters of tool-call arguments per delta: small, so every call spans several deltas. */
export const ARGUMENT_FRAGMENT_CHARS = 8;

/** Text in word-sized pieces ("Simulated", " answer", …); the pieces join back to the text exactly. */
export function textPieces(text: string): string[] {
  const pieces: string[] = text.match(/\s*\S+/g) ?? [];
  const rest = text.slice(pieces.join("").length);
  if (rest !== "") pieces.push(rest);
  return pieces;
}

/** A string in fragments of `size` characters (at least one fragment, even for ""). */
export function fragments(text: string, size = ARGUMENT_FRAGMENT_CHARS): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

const openaiFrame = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;
const anthropicFrame = (data: JsonObject): string => `event: ${String(data.type)}\ndata: ${JSON.stringify(data)}\n\n`;

export const OPENAI_DONE = "data: [DONE]\n\n";

/** The SSE frames of an OpenAI chat.completion (as answers.ts builds it), streamed. */
export function openaiStreamEvents(completion: JsonObject, includeUsage: boolean): string[] {
  const choice = (completion.choices as JsonObject[])[0];
  const message = choice.message as JsonObject;
  const calls = Array.isArray(message.tool_calls) ? (message.tool_calls as JsonObject[]) : [];
  const text = typeof message.content === "string" ? message.content : null;
  const chunk = (choices: JsonObject[], usage?: unknown): JsonObject => ({
    id: completion.id,
    object: "chat.completion.chunk",
    created: completion.created,
    model: completion.model,
    service_tier: completion.service_tier,
    system_fingerprint: completion.system_fingerprint,
    choices,
    // With include_usage the API puts `usage: null` on every chunk but the last.
    ...(includeUsage ? { usage: usage ?? null } : {}),
  });
  const delta = (d: JsonObject, finish: string | null = null): JsonObject =>
    chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]);
  const opening = (call: JsonObject, index: number): JsonObject => ({
    index,
    id: call.id,
    type: "function",
    function: { name: (call.function as JsonObject).name, arguments: "" },
  });

  const frames: JsonObject[] = [];
  // The first chunk carries the role; an answer without text opens its first tool call there.
  if (text === null && calls.length > 0) {
    frames.push(delta({ role: "assistant", content: null, tool_calls: [opening(calls[0], 0)], refusal: null }));
  } else {
    frames.push(delta({ role: "assistant", content: "", refusal: null }));
  }
  for (const piece of textPieces(text ?? "")) frames.push(delta({ content: piece }));
  calls.forEach((call, index) => {
    if (index > 0 || text !== null) frames.push(delta({ tool_calls: [opening(call, index)] }));
    for (const part of fragments(String((call.function as JsonObject).arguments))) {
      frames.push(delta({ tool_calls: [{ index, function: { arguments: part } }] }));
    }
  });
  frames.push(delta({}, String(choice.finish_reason)));
  if (includeUsage) frames.push(chunk([], completion.usage));
  return [...frames.map(openaiFrame), OPENAI_DONE];
}

/** The SSE frames of an Anthropic message (as answers.ts builds it), streamed. */
export function anthropicStreamEvents(message: JsonObject): string[] {
  const usage = message.usage as JsonObject;
  const blocks = message.content as JsonObject[];
  const frames: JsonObject[] = [{
    type: "message_start",
    message: {
      ...message,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      // Output so far: the API reports a token or so here and the total in message_delta.
      usage: { ...usage, output_tokens: Math.min(1, Number(usage.output_tokens)) },
    },
  }];
  blocks.forEach((block, index) => {
    if (block.type === "tool_use") {
      frames.push({ type: "content_block_start", index, content_block: { ...block, input: {} } });
      // The API opens every tool input with an empty fragment.
      const json = JSON.stringify(isRecord(block.input) ? block.input : {});
      for (const part of ["", ...fragments(json)]) {
        frames.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: part } });
      }
    } else {
      frames.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      for (const piece of textPieces(String(block.text))) {
        frames.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: piece } });
      }
    }
    frames.push({ type: "content_block_stop", index });
    // As in the documented example: one ping after the first block opens.
    if (index === 0) frames.splice(2, 0, { type: "ping" });
  });
  frames.push({
    type: "message_delta",
    delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
    // Cumulative totals, as the API sends them (the SDK overwrites, never adds).
    usage: {
      input_tokens: usage.input_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
      output_tokens: usage.output_tokens,
    },
  });
  frames.push({ type: "message_stop" });
  return frames.map(anthropicFrame);
}

/**
 * The error event that ends a stream early. `body` is the provider's error body (errors.ts):
 * Anthropic `{type: "error", error: {type, message}, …}`, OpenAI `{error: {message, type, param, code}}`.
 */
export function streamErrorEvent(provider: "openai" | "anthropic", body: unknown): string {
  if (provider === "openai") return openaiFrame(body);
  const error = isRecord(body) && isRecord(body.error) ? body.error : { type: "api_error", message: "Internal server error" };
  return anthropicFrame({ type: "error", error: { type: error.type, message: error.message } });
}
