/**
 * The response side of legacy `functions`: the caller asked the old way, so
 * the tool call comes back as `message.function_call` and finish_reason
 * "function_call", as OpenAI answers legacy requests. The legacy form holds
 * one call; the request asked for one (`parallel_tool_calls: false`), and if
 * a model still made more, the first is kept and the rest are said dropped.
 */
import type { ChatCompletion } from "./types.ts";

type Choice = ChatCompletion["choices"][number];

export function restoreLegacyFunctionCall(
  { completion }: { completion: ChatCompletion },
): { completion: ChatCompletion; warnings: string[] } {
  const warnings: string[] = [];
  const choices = completion.choices.map((choice) => restoreChoice({ choice, warnings }));
  return { completion: { ...completion, choices }, warnings };
}

function restoreChoice({ choice, warnings }: { choice: Choice; warnings: string[] }): Choice {
  const calls = (choice.message.tool_calls ?? []).filter((call) => call.type === "function");
  const [first, ...rest] = calls;
  if (first === undefined) return choice;
  if (rest.length > 0) {
    warnings.push(
      `choices[${choice.index}]: ${rest.length} further tool call(s) dropped: legacy function_call holds one`,
    );
  }
  const { tool_calls: _calls, ...message } = choice.message;
  return {
    ...choice,
    message: { ...message, function_call: { name: first.function.name, arguments: first.function.arguments } },
    finish_reason: choice.finish_reason === "tool_calls" ? "function_call" : choice.finish_reason,
  };
}
