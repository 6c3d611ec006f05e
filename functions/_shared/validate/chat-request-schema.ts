/**
 * OpenAI's chat-completions request, as zod (issue 11 item 5): the one place the router states
 * the documented types and ranges of every field, so a body OpenAI refuses is refused here too,
 * before a decision is written. The router's own fields (`agent_id`, `execution_id`, `model`
 * "auto") are allowed at the top level and checked by route-completion's request reader.
 *
 * Nested objects are loose (OpenAI's SDKs add fields over time and the translation rules name
 * what they cannot use); the top level is strict, as OpenAI's is: an unknown parameter is a 400.
 */
import { z } from "zod";

/** The caps: OpenAI's documented limits where it documents one, the router's own otherwise. */
export const CHAT_REQUEST_LIMITS = {
  /** OpenAI: "A max of 128 functions are supported." */
  maxTools: 128,
  /** The router's cap on one conversation (OpenAI documents none; 2,048 keeps every check cheap). */
  maxMessages: 2048,
  /** Content parts of one message. */
  maxContentParts: 512,
  /** Nesting of any value in the body: JSON schemas, content, tool arguments as parsed. */
  maxDepth: 64,
  maxStop: 4,
  maxMetadataPairs: 16,
  maxMetadataKeyLength: 64,
  maxMetadataValueLength: 512,
  maxTopLogprobs: 20,
} as const;

export const MESSAGE_ROLES = ["system", "developer", "user", "assistant", "tool", "function"] as const;

/** OpenAI's function and tool names. */
const NAME = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, {
  error: "must be 1 to 64 characters: letters, digits, underscores and dashes (^[a-zA-Z0-9_-]{1,64}$)",
});
const jsonObject = z.record(z.string(), z.unknown());
const integer = z.number().int();

const textPart = z.looseObject({ type: z.literal("text"), text: z.string() });
const refusalPart = z.looseObject({ type: z.literal("refusal"), refusal: z.string() });
const imagePart = z.looseObject({
  type: z.literal("image_url"),
  image_url: z.looseObject({ url: z.string(), detail: z.enum(["auto", "low", "high"]).optional() }),
});
const audioPart = z.looseObject({
  type: z.literal("input_audio"),
  input_audio: z.looseObject({ data: z.string(), format: z.enum(["wav", "mp3"]) }),
});
const filePart = z.looseObject({
  type: z.literal("file"),
  file: z.looseObject({ file_data: z.string().optional(), file_id: z.string().optional(), filename: z.string().optional() }),
});

const parts = <T extends z.ZodType>(part: T) => z.array(part).min(1).max(CHAT_REQUEST_LIMITS.maxContentParts);
const textContent = z.union([z.string(), parts(textPart)]);

const toolCall = z.discriminatedUnion("type", [
  z.looseObject({
    id: z.string(),
    type: z.literal("function"),
    function: z.looseObject({ name: z.string(), arguments: z.string() }),
  }),
  z.looseObject({ id: z.string(), type: z.literal("custom"), custom: z.looseObject({ name: z.string(), input: z.string() }) }),
]);

const message = z.discriminatedUnion("role", [
  z.looseObject({ role: z.literal("system"), content: textContent, name: z.string().optional() }),
  z.looseObject({ role: z.literal("developer"), content: textContent, name: z.string().optional() }),
  z.looseObject({
    role: z.literal("user"),
    content: z.union([z.string(), parts(z.discriminatedUnion("type", [textPart, imagePart, audioPart, filePart]))]),
    name: z.string().optional(),
  }),
  z.looseObject({
    role: z.literal("assistant"),
    content: z.union([z.string(), parts(z.discriminatedUnion("type", [textPart, refusalPart]))]).nullish(),
    refusal: z.string().nullish(),
    name: z.string().optional(),
    tool_calls: z.array(toolCall).max(CHAT_REQUEST_LIMITS.maxTools * 8).optional(),
    function_call: z.looseObject({ name: z.string(), arguments: z.string() }).nullish(),
    audio: z.looseObject({ id: z.string() }).nullish(),
  }),
  z.looseObject({ role: z.literal("tool"), content: textContent, tool_call_id: z.string() }),
  z.looseObject({ role: z.literal("function"), content: z.string().nullable(), name: z.string() }),
]);

const functionDefinition = z.looseObject({
  name: NAME,
  description: z.string().optional(),
  parameters: jsonObject.optional(),
  strict: z.boolean().nullish(),
});

const tool = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("function"), function: functionDefinition }),
  z.looseObject({ type: z.literal("custom"), custom: z.looseObject({ name: NAME, description: z.string().optional() }) }),
]);

const toolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string() }) }),
  z.looseObject({ type: z.literal("custom"), custom: z.looseObject({ name: z.string() }) }),
  z.looseObject({
    type: z.literal("allowed_tools"),
    allowed_tools: z.looseObject({ mode: z.enum(["auto", "required"]), tools: z.array(jsonObject) }),
  }),
]);

const responseFormat = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    json_schema: z.looseObject({
      name: NAME,
      description: z.string().optional(),
      schema: jsonObject.optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

const metadata = z.record(
  z.string().max(CHAT_REQUEST_LIMITS.maxMetadataKeyLength),
  z.string().max(CHAT_REQUEST_LIMITS.maxMetadataValueLength),
).refine((value) => Object.keys(value).length <= CHAT_REQUEST_LIMITS.maxMetadataPairs, {
  error: `must have at most ${CHAT_REQUEST_LIMITS.maxMetadataPairs} key-value pairs`,
});

/** The whole body. `.strict` top level: an unknown parameter is refused, as OpenAI refuses it. */
export const chatRequestSchema = z.strictObject({
  // The router's own fields (their values are checked by route-completion's request reader).
  agent_id: z.unknown().optional(),
  execution_id: z.unknown().optional(),
  model: z.string().nullish(),
  messages: z.array(message).min(1).max(CHAT_REQUEST_LIMITS.maxMessages),
  audio: z.looseObject({ voice: z.string(), format: z.enum(["wav", "aac", "mp3", "flac", "opus", "pcm16"]) }).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  function_call: z.union([z.enum(["none", "auto"]), z.looseObject({ name: z.string() })]).optional(),
  functions: z.array(functionDefinition).max(CHAT_REQUEST_LIMITS.maxTools).optional(),
  logit_bias: z.record(z.string().regex(/^\d{1,10}$/, { error: "keys must be token ids" }), z.number().min(-100).max(100)).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: integer.min(0).max(CHAT_REQUEST_LIMITS.maxTopLogprobs).nullish(),
  max_tokens: integer.min(1).nullish(),
  max_completion_tokens: integer.min(1).nullish(),
  metadata: metadata.nullish(),
  modalities: z.array(z.enum(["text", "audio"])).nullish(),
  n: integer.min(1).max(128).nullish(),
  parallel_tool_calls: z.boolean().optional(),
  prediction: z.looseObject({ type: z.literal("content"), content: textContent }).nullish(),
  moderation: z.looseObject({
    model: z.string(),
    policy: z.looseObject({
      input: z.looseObject({ mode: z.enum(["score", "block"]) }).nullish(),
      output: z.looseObject({ mode: z.enum(["score", "block"]) }).nullish(),
    }).nullish(),
  }).nullish(),
  prompt_cache_key: z.string().nullish(),
  prompt_cache_options: z.looseObject({ mode: z.enum(["implicit", "explicit"]).optional(), ttl: z.literal("30m").optional() }).optional(),
  prompt_cache_retention: z.enum(["in_memory", "24h"]).nullish(),
  reasoning_effort: z.enum(["none", "minimal", "low", "medium", "high", "xhigh", "max"]).nullish(),
  response_format: responseFormat.optional(),
  safety_identifier: z.string().nullish(),
  seed: integer.nullish(),
  service_tier: z.enum(["auto", "default", "flex", "scale", "priority"]).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(CHAT_REQUEST_LIMITS.maxStop)]).nullish(),
  store: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional(), include_obfuscation: z.boolean().optional() }).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  tool_choice: toolChoice.optional(),
  tools: z.array(tool).max(CHAT_REQUEST_LIMITS.maxTools).optional(),
  top_p: z.number().min(0).max(1).nullish(),
  user: z.string().optional(),
  verbosity: z.enum(["low", "medium", "high"]).nullish(),
  web_search_options: jsonObject.optional(),
});
