// Request validation of the PROVIDER SIMULATOR (a test double) for Anthropic's Messages API.
// It rejects, with the API's own wording where known, what the real API rejects in the parts an
// OpenAI → Anthropic translation touches: roles, alternation, tool_use / tool_result pairing and
// ids, empty text, stray OpenAI fields ("Extra inputs are not permitted"), tools and tool_choice.
// Version-aware: API version 2026-10-21 (what @anthropic-ai/sdk 1.x sends) rejects temperature,
// top_p and top_k outright; 2023-06-01 accepts them within range (per-model rules: model-rules.ts).
// Also: tool schemas without a top-level anyOf / oneOf / allOf, document sources, output_config.
import { isRecord, type JsonObject } from "./types.ts";

export const ANTHROPIC_VERSIONS = ["2023-06-01", "2026-10-21"] as const;

const ID = /^[a-zA-Z0-9_-]+$/;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const SERVER_TOOL = /^[a-z_]+_\d{8}$|^tool_search_tool_(bm25|regex)$/;
const SAMPLING = ["temperature", "top_p", "top_k"];
const TOP_LEVEL = [
  "model", "messages", "max_tokens", "system", "metadata", "stop_sequences", "stream", "tools", "tool_choice",
  "thinking", "service_tier", "container", "mcp_servers", "context_management", "output_config", "output_format",
  "inference_geo", "cache_control", "diagnostics", "speed", "user_profile_id", "workspace_id",
];
const BLOCK_KEYS: Record<string, string[]> = {
  text: ["type", "text", "cache_control", "citations"],
  image: ["type", "source", "cache_control"],
  document: ["type", "source", "title", "context", "citations", "cache_control"],
  tool_use: ["type", "id", "name", "input", "cache_control", "caller", "toolset_name"],
  tool_result: ["type", "tool_use_id", "content", "is_error", "cache_control", "toolset_name"],
  thinking: ["type", "thinking", "signature"],
  redacted_thinking: ["type", "data"],
};
const IMAGE_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"];
const COMBINATORS = ["anyOf", "oneOf", "allOf"];
const EFFORTS = ["low", "medium", "high", "xhigh", "max"];

function extraKey(value: JsonObject, allowed: string[], at: string): string | null {
  const extra = Object.keys(value).find((k) => !allowed.includes(k));
  return extra === undefined ? null : `${at}${at ? "." : ""}${extra}: Extra inputs are not permitted`;
}

function validateText(block: JsonObject, at: string, where: string): string | null {
  if (typeof block.text !== "string") return `${at}.text: Input should be a valid string`;
  if (block.text === "") return `${where}: text content blocks must be non-empty`;
  if (block.text.trim() === "") return `${where}: text content blocks must contain non-whitespace text`;
  return null;
}

function validateImage(block: JsonObject, at: string): string | null {
  const source = block.source;
  if (!isRecord(source)) return `${at}.source: Field required`;
  if (source.type === "base64") {
    if (typeof source.media_type !== "string" || !IMAGE_TYPES.includes(source.media_type)) {
      return `${at}.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`;
    }
    if (typeof source.data !== "string" || source.data === "") return `${at}.source.base64.data: Field required`;
    // The API reads the bytes: a declared type they do not carry is refused.
    const carried = imageSignature(source.data);
    return carried !== null && carried !== source.media_type
      ? `${at}.source.base64: Image does not match the provided media type ${source.media_type}`
      : null;
  }
  if (source.type === "url") return typeof source.url === "string" ? null : `${at}.source.url.url: Field required`;
  if (source.type === "file") return null;
  return `${at}.source: Input tag '${String(source.type)}' found using 'type' does not match any of the expected tags: 'base64', 'url', 'file'`;
}

/** The image type the first bytes of base64 `data` carry (PNG, JPEG, GIF, WebP signatures), null for none of them. */
function imageSignature(data: string): string | null {
  let bytes: number[];
  try {
    bytes = [...atob(data.slice(0, 16))].map((c) => c.charCodeAt(0));
  } catch {
    return null;
  }
  const at = (offset: number, ...expected: number[]) => expected.every((b, i) => bytes[offset + i] === b);
  if (at(0, 0x89, 0x50, 0x4e, 0x47)) return "image/png";
  if (at(0, 0xff, 0xd8, 0xff)) return "image/jpeg";
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return "image/gif";
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return "image/webp";
  return null;
}

/** A `document` block's source: a base64 PDF, plain text, content blocks, a URL or a Files API id. */
function validateDocument(block: JsonObject, at: string): string | null {
  const source = block.source;
  if (!isRecord(source)) return `${at}.document.source: Field required`;
  const fields: Record<string, [key: string, check: (v: unknown) => boolean][]> = {
    base64: [["data", (v) => typeof v === "string" && v !== ""]],
    text: [["data", (v) => typeof v === "string"]],
    content: [["content", (v) => typeof v === "string" || Array.isArray(v)]],
    url: [["url", (v) => typeof v === "string"]],
    file: [["file_id", (v) => typeof v === "string"]],
  };
  const type = String(source.type);
  const required = fields[type];
  if (!required) {
    return `${at}.document.source: Input tag '${type}' found using 'type' does not match any of the expected tags: ` +
      Object.keys(fields).map((t) => `'${t}'`).join(", ");
  }
  if (type === "base64" && source.media_type !== "application/pdf") {
    return `${at}.document.source.base64.media_type: Input should be 'application/pdf'`;
  }
  if (type === "text" && source.media_type !== "text/plain") return `${at}.document.source.text.media_type: Input should be 'text/plain'`;
  const missing = required.find(([key, check]) => !check(source[key]));
  return missing ? `${at}.document.source.${type}.${missing[0]}: Field required` : null;
}

/** One content block of message `i`; `role` decides which block types are allowed. */
function validateBlock(block: unknown, at: string, role: string, version: string): string | null {
  if (!isRecord(block)) return `${at}: Input should be a valid dictionary`;
  const type = typeof block.type === "string" ? block.type : "";
  const keys = BLOCK_KEYS[type];
  if (!keys) {
    return `${at}: Input tag '${type}' found using 'type' does not match any of the expected tags: ` +
      Object.keys(BLOCK_KEYS).map((t) => `'${t}'`).join(", ");
  }
  const extra = extraKey(block, keys, `${at}.${type}`);
  if (extra) return extra;
  if ((type === "tool_use" || type === "thinking" || type === "redacted_thinking") && role !== "assistant") {
    return `${at}: \`${type}\` blocks can only be in \`assistant\` messages`;
  }
  if (type === "tool_result" && role !== "user") return `${at}: \`tool_result\` blocks can only be in \`user\` messages`;
  if (version === "2026-10-21" && type === "document" && role === "assistant") {
    return `${at}: \`document\` blocks are not allowed in \`assistant\` messages`;
  }
  switch (type) {
    case "text": {
      const citations = block.citations;
      if (version === "2026-10-21" && role === "user" && Array.isArray(citations) && citations.length > 0) {
        return `${at}.citations: citations are not allowed on text blocks in \`user\` messages`;
      }
      return validateText(block, at, "messages");
    }
    case "image":
      return validateImage(block, at);
    case "document":
      return validateDocument(block, at);
    case "tool_use":
      if (typeof block.id !== "string" || !ID.test(block.id)) {
        return `${at}.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'`;
      }
      if (typeof block.name !== "string" || block.name === "") return `${at}.tool_use.name: Field required`;
      return isRecord(block.input) ? null : `${at}.tool_use.input: Input should be a valid dictionary`;
    case "tool_result": {
      if (typeof block.tool_use_id !== "string" || !ID.test(block.tool_use_id)) {
        return `${at}.tool_result.tool_use_id: String should match pattern '^[a-zA-Z0-9_-]+$'`;
      }
      const content = block.content;
      if (content === undefined || typeof content === "string") return null;
      if (!Array.isArray(content)) return `${at}.tool_result.content: Input should be a valid list`;
      for (const [k, inner] of content.entries()) {
        const innerAt = `${at}.tool_result.content.${k}`;
        if (!isRecord(inner) || !["text", "image", "document"].includes(String(inner.type))) {
          return `${innerAt}: Input tag '${isRecord(inner) ? String(inner.type) : ""}' found using 'type' does not match any of the expected tags: 'text', 'image', 'document'`;
        }
        const bad = inner.type === "text" ? validateText(inner, innerAt, "messages") : inner.type === "image" ? validateImage(inner, innerAt) : null;
        if (bad) return bad;
      }
      return null;
    }
    default:
      return null;
  }
}

function blocksOf(content: unknown): unknown[] | null {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  return Array.isArray(content) ? content : null;
}

function validateMessages(messages: unknown, version: string): string | null {
  if (messages === undefined) return "messages: Field required";
  if (!Array.isArray(messages)) return "messages: Input should be a valid list";
  if (messages.length === 0) return "messages: at least one message is required";
  let previousToolUses = new Set<string>();
  const seenToolUses = new Set<string>();
  for (const [i, message] of messages.entries()) {
    const at = `messages.${i}`;
    if (!isRecord(message)) return `${at}: Input should be a valid dictionary`;
    if (message.role === "system" || message.role === "developer") {
      return `messages: Unexpected role "${message.role}". The Messages API accepts a top-level \`system\` parameter, not "${message.role}" as an input message role.`;
    }
    const extra = extraKey(message, ["role", "content"], at);
    if (extra) return extra;
    const role = message.role;
    if (role !== "user" && role !== "assistant") return `${at}.role: Input should be 'user' or 'assistant'`;
    if (i === 0 && role !== "user") return 'messages: first message must use the "user" role';
    if (i > 0 && (messages[i - 1] as JsonObject).role === role) {
      return `messages: roles must alternate between "user" and "assistant", but found multiple "${role}" roles in a row`;
    }
    const blocks = blocksOf(message.content);
    if (blocks === null) return `${at}.content: Input should be a valid string or a valid list`;
    const isFinalAssistant = i === messages.length - 1 && role === "assistant";
    if (blocks.length === 0 && !isFinalAssistant) {
      return `${at}: all messages must have non-empty content except for the optional final assistant message`;
    }
    const lastBlock = blocks[blocks.length - 1];
    if (isFinalAssistant && isRecord(lastBlock) && lastBlock.type === "text" && typeof lastBlock.text === "string" &&
        /\s$/.test(lastBlock.text)) {
      return "messages: final assistant content cannot end with trailing whitespace";
    }
    const toolUses = new Set<string>();
    const answered = new Set<string>();
    let seenOther = false;
    for (const [j, block] of blocks.entries()) {
      const blockAt = `${at}.content.${j}`;
      const bad = validateBlock(block, blockAt, role, version);
      if (bad) return bad;
      const typed = block as JsonObject;
      if (typed.type === "tool_use") {
        const id = typed.id as string;
        if (seenToolUses.has(id)) return `${blockAt}: \`tool_use\` ids must be unique`;
        seenToolUses.add(id);
        toolUses.add(id);
      } else if (typed.type === "tool_result") {
        const id = typed.tool_use_id as string;
        if (seenOther) return `${blockAt}: \`tool_result\` blocks must come before any other content in the user message`;
        if (!previousToolUses.has(id)) {
          return `${blockAt}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${id}. ` +
            "Each `tool_result` block must have a corresponding `tool_use` block in the previous message.";
        }
        answered.add(id);
      } else {
        seenOther = true;
      }
    }
    if (role === "user") {
      const missing = [...previousToolUses].filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return `messages.${i - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ` +
          `${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
    }
    previousToolUses = toolUses;
  }
  return null;
}

function validateSystem(system: unknown): string | null {
  if (system === undefined || typeof system === "string") return null;
  if (!Array.isArray(system)) return "system: Input should be a valid string or a valid list";
  for (const [i, block] of system.entries()) {
    if (!isRecord(block) || block.type !== "text") return `system.${i}.type: Input should be 'text'`;
    const bad = extraKey(block, BLOCK_KEYS.text, `system.${i}`) ?? validateText(block, `system.${i}`, "system");
    if (bad) return bad;
  }
  return null;
}

function validateTools(tools: unknown, toolChoice: unknown): string | null {
  const names: string[] = [];
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return "tools: Input should be a valid list";
    for (const [i, tool] of tools.entries()) {
      const at = `tools.${i}`;
      if (!isRecord(tool)) return `${at}: Input should be a valid dictionary`;
      if (tool.type !== undefined && tool.type !== null && tool.type !== "custom") {
        // Server tools are versioned (web_search_20250305, ...); anything else, such as an
        // untranslated OpenAI `{"type": "function"}` tool, is unknown to the API.
        if (typeof tool.type === "string" && SERVER_TOOL.test(tool.type)) continue;
        return `${at}: Input tag '${String(tool.type)}' found using 'type' does not match any of the expected tags: 'custom', or a versioned server tool`;
      }
      const extra = extraKey(tool, [
        "type", "name", "description", "input_schema", "cache_control", "strict", "input_examples",
        "defer_loading", "eager_input_streaming", "allowed_callers",
      ], `${at}.custom`);
      if (extra) return extra;
      if (typeof tool.name !== "string" || !TOOL_NAME.test(tool.name)) {
        return `${at}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`;
      }
      if (!isRecord(tool.input_schema)) return `${at}.custom.input_schema: Field required`;
      const schema = tool.input_schema;
      if (COMBINATORS.some((k) => k in schema)) {
        return `${at}.custom.input_schema: input_schema does not support oneOf, allOf, or anyOf at the top level`;
      }
      if (tool.input_schema.type !== "object") return `${at}.custom.input_schema.type: Input should be 'object'`;
      if (names.includes(tool.name)) return `tools: Tool names must be unique.`;
      names.push(tool.name);
    }
  }
  if (toolChoice === undefined) return null;
  if (!isRecord(toolChoice)) return "tool_choice: Input should be a valid dictionary";
  const type = String(toolChoice.type);
  const allowed: Record<string, string[]> = {
    auto: ["type", "disable_parallel_tool_use"],
    any: ["type", "disable_parallel_tool_use"],
    tool: ["type", "name", "disable_parallel_tool_use"],
    none: ["type"],
  };
  if (!allowed[type]) {
    return `tool_choice: Input tag '${type}' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'`;
  }
  const extra = extraKey(toolChoice, allowed[type], `tool_choice.${type}`);
  if (extra) return extra;
  if (type !== "none" && tools === undefined) return "tool_choice: tool_choice may only be specified while providing tools";
  if (type === "tool" && (typeof toolChoice.name !== "string" || !names.includes(toolChoice.name))) {
    return `tool_choice.tool.name: Tool '${String(toolChoice.name)}' not found in provided tools`;
  }
  return null;
}

/** `output_config` (SDK 1.14): an effort level and a JSON-schema output format. */
function validateOutputConfig(config: unknown): string | null {
  if (config === undefined) return null;
  if (!isRecord(config)) return "output_config: Input should be a valid dictionary";
  const extra = extraKey(config, ["effort", "format"], "output_config");
  if (extra) return extra;
  if (config.effort !== undefined && config.effort !== null && !EFFORTS.includes(String(config.effort))) {
    return `output_config.effort: Input should be ${EFFORTS.map((e) => `'${e}'`).join(", ")}`;
  }
  const format = config.format;
  if (format === undefined || format === null) return null;
  if (!isRecord(format) || format.type !== "json_schema") return "output_config.format.type: Input should be 'json_schema'";
  const formatExtra = extraKey(format, ["type", "schema"], "output_config.format");
  if (formatExtra) return formatExtra;
  return isRecord(format.schema) ? null : "output_config.format.schema: Field required";
}

function validateSampling(body: JsonObject, version: string): string | null {
  for (const key of SAMPLING) {
    if (!(key in body)) continue;
    if (version === "2026-10-21") return `${key}: Extra inputs are not permitted`;
    const value = body[key];
    const max = key === "top_k" ? Infinity : 1;
    if (typeof value !== "number" || value < 0 || value > max) {
      return `${key}: Input should be ${key === "top_k" ? "greater than or equal to 0" : "between 0 and 1"}`;
    }
  }
  return null;
}

/** Null when the real API would accept the body (in the parts checked), else its 400 message. */
export function validateAnthropicRequest(body: unknown, version: string): string | null {
  if (!isRecord(body)) return "There was an issue with your request: the body is not a JSON object.";
  const sampling = validateSampling(body, version);
  if (sampling) return sampling;
  const extra = extraKey(body, TOP_LEVEL.concat(version === "2023-06-01" ? SAMPLING : []), "");
  if (extra) return extra;
  if (typeof body.model !== "string" || body.model === "") return "model: Field required";
  if (body.max_tokens === undefined) return "max_tokens: Field required";
  if (!Number.isInteger(body.max_tokens)) return "max_tokens: Input should be a valid integer";
  if ((body.max_tokens as number) < 1) return "max_tokens: Input should be greater than or equal to 1";
  if (body.stream !== undefined && typeof body.stream !== "boolean") return "stream: Input should be a valid boolean";
  if (body.metadata !== undefined) {
    if (!isRecord(body.metadata)) return "metadata: Input should be a valid dictionary";
    const bad = extraKey(body.metadata, ["user_id"], "metadata");
    if (bad) return bad;
    const userId = body.metadata.user_id;
    if (userId !== undefined && userId !== null) {
      if (typeof userId !== "string") return "metadata.user_id: Input should be a valid string";
      if (userId.length > 256) return "metadata.user_id: String should have at most 256 characters";
      // Meant to be opaque (a uuid or a hash): personal data is refused.
      if (/[^\s@]+@[^\s@]+\.[^\s@]+/.test(userId)) return "metadata.user_id: user_id appears to contain an email address";
    }
  }
  if (body.stop_sequences !== undefined) {
    const stops = body.stop_sequences;
    if (!Array.isArray(stops) || stops.some((s) => typeof s !== "string")) return "stop_sequences: Input should be a valid list";
    if (stops.some((s) => (s as string).trim() === "")) return "stop_sequences: each stop sequence must contain non-whitespace";
  }
  return validateSystem(body.system) ?? validateMessages(body.messages, version) ??
    validateTools(body.tools, body.tool_choice) ?? validateOutputConfig(body.output_config);
}
