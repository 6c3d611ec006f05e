/** The catalog entries the recorded fixtures were adapted for, by scenario. */
import { CLAUDE, GPT } from "./test-support.ts";
import type { ModelCapabilities } from "./types.ts";

const CLAUDE_NO_PREFILL: ModelCapabilities = {
  ...CLAUDE,
  model: "claude-opus-4-6",
  wireId: "claude-opus-4-6",
  supportsPrefill: false,
};
const CLAUDE_WITHOUT_JSON_SCHEMA: ModelCapabilities = {
  ...CLAUDE,
  model: "claude-3-haiku",
  wireId: "claude-3-haiku-20240307",
  maxOutputTokens: 4096,
  supportsJsonSchema: false,
  supportsPdf: false,
  sampling: "any",
};

export const FIXTURE_MODELS: Readonly<Record<string, ModelCapabilities>> = {
  "sampling-and-openai-fields-to-claude": CLAUDE,
  "sampling-and-openai-fields-to-gpt": GPT,
  "reused-tool-call-id-to-claude": CLAUDE,
  "tool-schema-top-level-oneof-to-claude": CLAUDE,
  "trailing-assistant-to-claude-without-prefill": CLAUDE_NO_PREFILL,
  "pdf-file-part-to-claude": CLAUDE,
  "legacy-functions-to-claude": CLAUDE,
  "legacy-functions-to-gpt": GPT,
  "json-schema-to-claude-native": CLAUDE,
  "json-schema-to-claude-forced-tool": CLAUDE_WITHOUT_JSON_SCHEMA,
};
