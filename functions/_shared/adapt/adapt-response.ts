/**
 * The caller's view of an answer to an adapted request: undoes, in reverse
 * order of `adaptRequest`, what it changed that shows in the answer. Runs on
 * the OpenAI `chat.completion` (OpenAI's own, or the translator's), for every
 * provider kind.
 *
 * 1. the forced `json_schema` tool → JSON content (before 3: it is not the
 *    caller's function call);
 * 2. renamed tool-call ids → the caller's ids;
 * 3. tool calls → legacy `function_call` when the caller used `functions`.
 */
import { restoreLegacyFunctionCall } from "./restore-legacy-function-call.ts";
import { restoreToolIds } from "./restore-tool-ids.ts";
import type { ChatCompletion, ResponseRestore } from "./types.ts";
import { unwrapForcedToolAnswer } from "./unwrap-forced-tool-answer.ts";

export function adaptResponse(
  { completion, restore }: { completion: ChatCompletion; restore: ResponseRestore },
): { completion: ChatCompletion; warnings: string[] } {
  const unwrapped = restore.forcedTool === null
    ? completion
    : unwrapForcedToolAnswer({ completion, toolName: restore.forcedTool });
  const renamed = restoreToolIds({ completion: unwrapped, toCaller: restore.toolIds });
  return restore.legacyFunctions
    ? restoreLegacyFunctionCall({ completion: renamed })
    : { completion: renamed, warnings: [] };
}
