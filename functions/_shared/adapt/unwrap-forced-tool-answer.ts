/**
 * The response side of a `json_schema` sent as a forced tool: the tool call's
 * arguments (JSON, as the translator wrote them) become the message content,
 * and the call disappears, so the caller sees the answer it asked for and
 * `chat.completions.parse()` parses it. `finish_reason` "tool_calls" becomes
 * "stop"; "length" stays, so a truncated answer is still reported as one.
 */
import type { ChatCompletion } from "./types.ts";

type Choice = ChatCompletion["choices"][number];

export function unwrapForcedToolAnswer(
  { completion, toolName }: { completion: ChatCompletion; toolName: string },
): ChatCompletion {
  return { ...completion, choices: completion.choices.map((choice) => unwrapChoice({ choice, toolName })) };
}

function unwrapChoice({ choice, toolName }: { choice: Choice; toolName: string }): Choice {
  const calls = choice.message.tool_calls ?? [];
  const answer = calls.find((call) => call.type === "function" && call.function.name === toolName);
  if (answer === undefined || answer.type !== "function") return choice;
  const { tool_calls: _calls, ...message } = choice.message;
  const others = calls.filter((call) => call !== answer);
  return {
    ...choice,
    message: { ...message, content: answer.function.arguments, ...(others.length > 0 ? { tool_calls: others } : {}) },
    finish_reason: choice.finish_reason === "tool_calls" ? "stop" : choice.finish_reason,
  };
}
