import { deepStrictEqual } from "node:assert/strict";
import type { StreamedAnswer } from "../_shared/providers/open-stream.ts";
import type { ProviderFailure } from "../_shared/routing/classify-failure.ts";
import type { AttemptRecord } from "../_shared/routing/types.ts";
import type { ChatCompletion } from "../_shared/translate/mod.ts";
import { STREAM_CLIENT_ABORTED, streamedCall, streamFailedWarning } from "./stream-record.ts";

const NO_TOKENS = { input_tokens: 0, output_tokens: 0, cached_tokens: 0, cache_write_tokens: 0 };
const usage = { input_tokens: 12, output_tokens: 4, cached_tokens: 30, cache_write_tokens: 0 };
const failed: AttemptRecord = { model: "m", provider: "p", status: 529, error_type: "overloaded", latency_ms: 40, ...NO_TOKENS };
const answering: AttemptRecord = { model: "m", provider: "p", status: 200, error_type: null, latency_ms: 90, ...NO_TOKENS };
const stall: ProviderFailure = {
  kind: "timeout", status: null, providerType: null, providerCode: "stream_stalled", param: null, message: "silence", retryAfterMs: null,
};
const answer = (over: Partial<StreamedAnswer>): StreamedAnswer => ({
  ending: "complete", completed: true, finishReason: "stop", usage, usageFinal: true, failure: null,
  completion: {} as ChatCompletion, warnings: [], ...over,
});

const rows: Array<{ name: string; answer: StreamedAnswer; status: string; last: Partial<AttemptRecord>; warnings: string[] }> = [
  { name: "complete: succeeded, the provider's final tokens", answer: answer({}), status: "succeeded", last: {}, warnings: ["adapted"] },
  {
    name: "stalled after the first byte: failed, a timeout with no status, the tokens so far",
    answer: answer({ ending: "stalled", completed: false, failure: stall, usageFinal: false }),
    status: "failed",
    last: { status: null, error_type: "timeout" },
    warnings: ["adapted", streamFailedWarning("timeout")],
  },
  {
    name: "the client left: failed, the attempt itself a 200 without error type",
    answer: answer({ ending: "client_aborted", completed: false, usageFinal: false, warnings: ["restore dropped"] }),
    status: "failed",
    last: {},
    warnings: ["adapted", "restore dropped", STREAM_CLIENT_ABORTED],
  },
];

for (const row of rows) {
  Deno.test(`streamedCall: ${row.name}`, () => {
    const attempts = Object.freeze([Object.freeze(failed), Object.freeze(answering)]);
    deepStrictEqual(
      streamedCall({
        callKey: "k",
        attempts, answer: Object.freeze(row.answer), answered: { model: "m", provider: "p" }, fallbackUsed: false,
        latencyMs: 1234.4, streamedMs: 500, warnings: Object.freeze(["adapted"]),
      }),
      {
        call_key: "k", status: row.status, model: "m", provider: "p", fallback_used: false, latency_ms: 1234,
        attempts: [failed, { ...answering, latency_ms: 590, ...usage, ...row.last }],
        warnings: row.warnings,
      },
    );
  });
}
