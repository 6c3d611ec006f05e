/**
 * Anthropic `stop_reason` → OpenAI `finish_reason` (spec §9). The plan's
 * sketch mapped every non-tool stop to "stop", which hid truncation
 * (`max_tokens`) and refusals from callers.
 */
import type { OpenAIFinishReason, StopReason } from "./types.ts";

export function mapAnthropicStopReason(
  { stopReason }: { stopReason: StopReason | null },
): OpenAIFinishReason {
  switch (stopReason) {
    case "end_turn":
    case "stop_sequence":
      return "stop";
    // pause_turn only happens with server tools, which the router never
    // enables; the partial answer is still an answer, so report a normal stop.
    case "pause_turn":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    // null means the response carries no reason (older models, replays).
    case null:
      return "stop";
    default: {
      // Compile time: a new StopReason in the SDK fails here until mapped.
      // Runtime: a reason newer than the SDK must not fail a paid, successful
      // call, and the content is there, so it reads as a normal stop.
      const unmapped: never = stopReason;
      void unmapped;
      return "stop";
    }
  }
}
