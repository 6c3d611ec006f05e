/**
 * `tools`, `tool_choice` and `parallel_tool_calls` → Anthropic's `tools` and
 * `tool_choice` (spec §9).
 */
import { isRecord } from "./convert-message-content.ts";
import { TranslationError } from "./translation-error.ts";
import type { AnthropicRequest, OpenAIChatRequest, Tool, ToolChoice } from "./types.ts";

export const HISTORY_TOOL_DESCRIPTION = "Used earlier in this conversation; not offered for this turn.";

export function convertTools(
  { tools, toolChoice, parallelToolCalls, historyToolNames }: {
    tools: OpenAIChatRequest["tools"];
    toolChoice: OpenAIChatRequest["tool_choice"];
    parallelToolCalls: OpenAIChatRequest["parallel_tool_calls"];
    /** Names of the tools the history's assistant messages called. */
    historyToolNames: ReadonlyArray<string>;
  },
): Pick<AnthropicRequest, "tools" | "tool_choice"> & { warnings: string[] } {
  const list: unknown = tools;
  if (list !== undefined && list !== null && !Array.isArray(list)) {
    throw invalid("tools", "must be an array", "invalid_type");
  }
  if (!Array.isArray(list) || list.length === 0) {
    // Anthropic rejects tool_use/tool_result blocks in a request without tools
    // (OpenAI accepts it), so a history with tool calls gets definitions for
    // the names it used, and tool_choice none: the caller offered no tools.
    if (historyToolNames.length > 0) {
      return {
        tools: [...new Set(historyToolNames)].sort().map((name) => ({
          name,
          description: HISTORY_TOOL_DESCRIPTION,
          input_schema: { type: "object", properties: {} },
        })),
        tool_choice: { type: "none" },
        warnings: [
          "the history has tool calls but no tools were given: their names are declared with tool_choice none",
        ],
      };
    }
    const ignored = toolChoice === undefined || toolChoice === null ? [] : ["tool_choice ignored: no tools given"];
    return { warnings: ignored };
  }
  const warnings: string[] = [];
  const converted = (tools ?? []).map((tool, i) => convertTool({ tool, param: `tools[${i}]`, warnings }));
  // One pass with a Set: linear in the number of tools (a findIndex per tool was quadratic).
  const seen = new Set<string>();
  converted.forEach(({ name }, i) => {
    if (seen.has(name)) throw invalid(`tools[${i}].function.name`, `repeats the tool name "${name}"`);
    seen.add(name);
  });
  const tool_choice = convertToolChoice({
    toolChoice,
    parallelToolCalls,
    toolNames: converted.map(({ name }) => name),
  });
  return tool_choice === undefined ? { tools: converted, warnings } : { tools: converted, tool_choice, warnings };
}

type OpenAITool = NonNullable<OpenAIChatRequest["tools"]>[number];

function convertTool(
  { tool, param, warnings }: { tool: OpenAITool; param: string; warnings: string[] },
): Tool {
  if (!isRecord(tool)) throw invalid(param, "must be a tool object", "invalid_type");
  const type = tool.type;
  switch (type) {
    case "function": {
      const fn: unknown = tool.function;
      if (!isRecord(fn) || typeof fn.name !== "string" || fn.name === "") {
        throw invalid(`${param}.function.name`, "must be a non-empty string");
      }
      const converted: Tool = {
        name: fn.name,
        input_schema: inputSchema({ parameters: fn.parameters, param: `${param}.function.parameters` }),
      };
      if (typeof fn.description === "string" && fn.description !== "") converted.description = fn.description;
      if (fn.strict === true) {
        warnings.push(`${param}.function.strict ignored: the schema guides the model but is not enforced`);
      }
      return converted;
    }
    case "custom":
      throw invalid(`${param}.type`, `"custom" is not supported when routing to Anthropic`, "unsupported_value");
    default: {
      const unknownType: never = type;
      throw invalid(`${param}.type`, `must be "function", not ${JSON.stringify(unknownType)}`);
    }
  }
}

/**
 * OpenAI lets a function without arguments omit `parameters`; Anthropic needs
 * an object schema. The schema is copied so the body never aliases the caller's.
 */
function inputSchema({ parameters, param }: { parameters: unknown; param: string }): Tool["input_schema"] {
  if (parameters === undefined || parameters === null) return { type: "object", properties: {} };
  if (!isRecord(parameters)) throw invalid(param, "must be a JSON schema object", "invalid_type");
  if (parameters.type !== undefined && parameters.type !== "object") {
    throw invalid(`${param}.type`, `must be "object"`);
  }
  return { ...structuredClone(parameters), type: "object" };
}

/**
 * `disable_parallel_tool_use` lives on Anthropic's tool_choice object, so
 * `parallel_tool_calls: false` without a tool_choice means OpenAI's default,
 * auto. With none there is no tool call to run in parallel (and Anthropic's
 * none takes no such flag).
 */
function convertToolChoice(
  { toolChoice, parallelToolCalls, toolNames }: {
    toolChoice: OpenAIChatRequest["tool_choice"];
    parallelToolCalls: OpenAIChatRequest["parallel_tool_calls"];
    toolNames: ReadonlyArray<string>;
  },
): ToolChoice | undefined {
  const parallel: unknown = parallelToolCalls;
  if (parallel !== undefined && parallel !== null && typeof parallel !== "boolean") {
    throw invalid("parallel_tool_calls", "must be a boolean", "invalid_type");
  }
  const flag = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (toolChoice === undefined || toolChoice === null) {
    return parallel === false ? { type: "auto", ...flag } : undefined;
  }
  if (typeof toolChoice === "string") {
    switch (toolChoice) {
      case "auto":
        return { type: "auto", ...flag };
      case "required":
        return { type: "any", ...flag };
      case "none":
        return { type: "none" };
      default: {
        const unknownChoice: never = toolChoice;
        throw invalid("tool_choice", `${JSON.stringify(unknownChoice)} is not auto, required or none`);
      }
    }
  }
  if (!isRecord(toolChoice)) throw invalid("tool_choice", "must be a string or an object", "invalid_type");
  const type = toolChoice.type;
  switch (type) {
    case "function": {
      const name: unknown = isRecord(toolChoice.function) ? toolChoice.function.name : undefined;
      if (typeof name !== "string" || !toolNames.includes(name)) {
        throw invalid("tool_choice.function.name", "must name one of the given tools");
      }
      return { type: "tool", name, ...flag };
    }
    case "allowed_tools":
    case "custom":
      throw invalid("tool_choice.type", `"${type}" is not supported when routing to Anthropic`, "unsupported_value");
    default: {
      const unknownType: never = type;
      throw invalid("tool_choice.type", `${JSON.stringify(unknownType)} is not a known tool_choice type`);
    }
  }
}

function invalid(
  param: string,
  problem: string,
  code: "invalid_value" | "invalid_type" | "unsupported_value" = "invalid_value",
): TranslationError {
  return new TranslationError({ param, code, message: `${param} ${problem}` });
}
