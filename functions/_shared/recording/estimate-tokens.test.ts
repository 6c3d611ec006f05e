import { deepStrictEqual } from "node:assert/strict";
import type { RecordedAttempt } from "../db/router-db.ts";
import type { AttemptErrorType } from "../routing/error-types.ts";
import { withEstimatedTokens } from "./estimate-tokens.ts";

const none = { input_tokens: 0, output_tokens: 0, cached_tokens: 0, cache_write_tokens: 0 };
const attempt = (status: number | null, error_type: AttemptErrorType | null, tokens = none): RecordedAttempt =>
  Object.freeze({ model: "m", provider: "anthropic", status, error_type, latency_ms: 1, ...tokens });

const rows: Array<{ name: string; in: RecordedAttempt; out: RecordedAttempt }> = [
  { name: "a timeout without tokens: input estimated from 4,001 characters", in: attempt(null, "timeout"), out: { ...attempt(null, "timeout"), input_tokens: 1001, estimated: true } },
  { name: "an unreadable answer: estimated", in: attempt(200, "malformed_response"), out: { ...attempt(200, "malformed_response"), input_tokens: 1001, estimated: true } },
  { name: "a 429 was not processed: 0, no estimate", in: attempt(429, "rate_limit"), out: attempt(429, "rate_limit") },
  { name: "a success keeps its counts", in: attempt(200, null, { ...none, input_tokens: 5 }), out: attempt(200, null, { ...none, input_tokens: 5 }) },
  {
    name: "a stall with the provider's counts keeps them",
    in: attempt(null, "timeout", { ...none, input_tokens: 9, output_tokens: 3 }),
    out: attempt(null, "timeout", { ...none, input_tokens: 9, output_tokens: 3 }),
  },
];

for (const row of rows) {
  Deno.test(`withEstimatedTokens: ${row.name}`, () => {
    const input = [row.in];
    deepStrictEqual(withEstimatedTokens({ attempts: input, requestChars: 4001 }), [row.out]);
    deepStrictEqual(input, [row.in], "the input is not mutated");
  });
}
