import assert from "node:assert/strict";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.ts";
import type { OpenAIFinishReason, StopReason } from "./types.ts";

const rows: Array<{ stopReason: StopReason | null; expected: OpenAIFinishReason }> = [
  { stopReason: "end_turn", expected: "stop" },
  { stopReason: "stop_sequence", expected: "stop" },
  { stopReason: "pause_turn", expected: "stop" },
  { stopReason: "max_tokens", expected: "length" },
  { stopReason: "model_context_window_exceeded", expected: "length" },
  { stopReason: "tool_use", expected: "tool_calls" },
  { stopReason: "refusal", expected: "content_filter" },
  { stopReason: null, expected: "stop" },
];

for (const { stopReason, expected } of rows) {
  Deno.test(`stop reason ${stopReason} → ${expected}`, () => {
    assert.strictEqual(mapAnthropicStopReason({ stopReason }), expected);
  });
}

Deno.test("stop reason unknown at runtime (newer than the SDK) → stop", () => {
  const stopReason = "brand_new_reason" as unknown as StopReason;
  assert.strictEqual(mapAnthropicStopReason({ stopReason }), "stop");
});
