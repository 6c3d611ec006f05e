/**
 * The response side of `uniqueToolIds`: a tool-call id that was renamed for
 * the provider goes back to the caller's spelling. Run after the translator's
 * own `toCallerToolId`; ids the provider generated (`toolu_…`, `call_…`) are
 * not in the map and pass unchanged.
 */
import type { ChatCompletion } from "./types.ts";

export function restoreToolIds(
  { completion, toCaller }: { completion: ChatCompletion; toCaller: ReadonlyMap<string, string> },
): ChatCompletion {
  if (toCaller.size === 0) return completion;
  return {
    ...completion,
    choices: completion.choices.map((choice) => {
      const calls = choice.message.tool_calls;
      if (calls === undefined || !calls.some((call) => toCaller.has(call.id))) return choice;
      const restored = calls.map((call) => {
        const id = toCaller.get(call.id);
        return id === undefined ? call : { ...call, id };
      });
      return { ...choice, message: { ...choice.message, tool_calls: restored } };
    }),
  };
}
