// Per-model request rules of the PROVIDER SIMULATOR (a test double): what the real API refuses
// for one model although the body is well formed (output limit, sampling, prefill, forced tools,
// reasoning parameters). Runs after the body-level validation (validate-*.ts) and the model
// lookup; wording is the APIs' own where it is documented (sources in README.md).
import type { Invalid } from "./validate-openai.ts";
import { type AnthropicServedModel, isRecord, type JsonObject, type OpenAIServedModel } from "./types.ts";

const present = (body: JsonObject, key: string): boolean => body[key] !== undefined && body[key] !== null;

function anthropicSampling(body: JsonObject, model: AnthropicServedModel): string | null {
  const both = "`temperature` and `top_p` cannot both be specified for this model. Please use only one.";
  const deprecated = (key: string) => `\`${key}\` is deprecated for this model.`;
  switch (model.sampling) {
    case "any":
      return null;
    case "one-of":
      return present(body, "temperature") && present(body, "top_p") ? both : null;
    case "default-only":
      // Only the defaults pass (temperature 1); the pair is refused even at its defaults.
      if (present(body, "temperature") && body.temperature !== 1) return deprecated("temperature");
      if (present(body, "temperature") && present(body, "top_p")) return both;
      if (present(body, "top_p")) return deprecated("top_p");
      return present(body, "top_k") ? deprecated("top_k") : null;
    case "none":
      return ["temperature", "top_p", "top_k"].filter((k) => present(body, k)).map(deprecated)[0] ?? null;
    default: {
      const never: never = model.sampling;
      throw new Error(`unknown sampling rule ${never}`);
    }
  }
}

function forcedToolChoice(body: JsonObject, model: AnthropicServedModel): string | null {
  const choice = body.tool_choice;
  if (!isRecord(choice) || (choice.type !== "any" && choice.type !== "tool")) return null;
  const thinking = isRecord(body.thinking) ? String(body.thinking.type) : null;
  const refused = "Thinking may not be enabled when tool_choice forces tool use.";
  switch (model.forcedToolChoice) {
    case "refused":
      return refused;
    case "without-thinking":
      return thinking === "disabled" ? null : refused;
    case "allowed":
      return thinking === "enabled" || thinking === "adaptive" ? refused : null;
    default: {
      const never: never = model.forcedToolChoice;
      throw new Error(`unknown forced tool choice rule ${never}`);
    }
  }
}

/** Null when this model takes the (already valid) body, else the API's 400 message. */
export function anthropicModelRule(body: JsonObject, model: AnthropicServedModel, version: string): string | null {
  const maxTokens = body.max_tokens as number;
  if (maxTokens > model.maxOutputTokens) {
    return `max_tokens: ${maxTokens} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${model.id}`;
  }
  // Version 2026-10-21 refused every sampling parameter before the model was looked at.
  const sampling = version === "2023-06-01" ? anthropicSampling(body, model) : null;
  if (sampling) return sampling;
  const messages = body.messages as JsonObject[];
  if (!model.prefill && messages[messages.length - 1].role === "assistant") {
    return "This model does not support assistant message prefill. The conversation must end with a user message.";
  }
  return forcedToolChoice(body, model);
}

/** Null when this model takes the (already valid) body, else the API's 400. */
export function openaiModelRule(body: JsonObject, model: OpenAIServedModel): Invalid | null {
  const reasoning = model.reasoning;
  if (reasoning && present(body, "max_tokens")) {
    return {
      message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      param: "max_tokens",
      code: "unsupported_parameter",
    };
  }
  const limitField = present(body, "max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
  const limit = body[limitField];
  if (typeof limit === "number" && limit > model.maxOutputTokens) {
    return {
      message: `${limitField} is too large: ${limit}. This model supports at most ${model.maxOutputTokens} completion tokens, ` +
        `whereas you provided ${limit}.`,
      param: limitField,
      code: "invalid_value",
    };
  }
  if (!reasoning) {
    return present(body, "reasoning_effort")
      ? {
        message: "Unsupported parameter: 'reasoning_effort' is not supported with this model.",
        param: "reasoning_effort",
        code: "unsupported_parameter",
      }
      : null;
  }
  const effort = present(body, "reasoning_effort") ? String(body.reasoning_effort) : reasoning.defaultEffort;
  const samplingAllowed = reasoning.samplingWhenEffortNone && effort === "none";
  for (const key of ["temperature", "top_p"]) {
    if (!samplingAllowed && present(body, key) && body[key] !== 1) {
      return {
        message: `Unsupported value: '${key}' does not support ${body[key]} with this model. Only the default (1) value is supported.`,
        param: key,
        code: "unsupported_value",
      };
    }
  }
  // Log probabilities, like temperature and top_p, only where sampling is taken (effort none); the penalties and
  // logit_bias never (the reasoning models' documented limitations). Any value is refused, a default too.
  const refused = [...(samplingAllowed ? [] : ["logprobs", "top_logprobs"]), "presence_penalty", "frequency_penalty", "logit_bias"]
    .find((key) => present(body, key));
  if (refused) {
    return { message: `Unsupported parameter: '${refused}' is not supported with this model.`, param: refused, code: "unsupported_parameter" };
  }
  const tools = Array.isArray(body.tools) && body.tools.length > 0;
  // The effective effort: GPT-5.6 (default medium) refuses tools without an explicit "none" too.
  if (tools && !reasoning.toolsWithEffort && effort !== "none") {
    return {
      message: `Function tools with reasoning_effort are not supported for ${model.id} in /v1/chat/completions. ` +
        "To use function tools, use /v1/responses or set reasoning_effort to 'none'.",
      param: "reasoning_effort",
      code: null,
    };
  }
  return null;
}
