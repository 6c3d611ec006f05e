// Tokens of failed attempts the provider may have billed (issue 11): call-provider.ts reports no
// usage for a failure, yet a timeout or an unreadable answer came after the provider took the
// request in (and billed its input). Such an attempt with no tokens gets its input tokens
// estimated from the request's size, marked `estimated: true`, so its cost is not a silent $0
// and reports can tell it from a count. Other failures (429, 5xx, auth, a refused request) were
// not processed, and keep 0. Pure.
import type { RecordedAttempt } from "../db/router-db.ts";
import type { AttemptErrorType } from "../routing/error-types.ts";

/** The failures after which the provider had the request (and may bill its input). */
const BILLED_FAILURES: ReadonlySet<AttemptErrorType> = new Set(["timeout", "malformed_response"]);

/** A rough, common rule: about four characters of JSON per token. */
export const CHARS_PER_TOKEN = 4;

export function withEstimatedTokens(
  { attempts, requestChars }: { attempts: ReadonlyArray<RecordedAttempt>; requestChars: number },
): RecordedAttempt[] {
  return attempts.map((a) => {
    const reported = a.input_tokens + a.output_tokens + a.cached_tokens + a.cache_write_tokens > 0;
    if (a.error_type === null || !BILLED_FAILURES.has(a.error_type) || reported) return a;
    return { ...a, input_tokens: Math.ceil(Math.max(0, requestChars) / CHARS_PER_TOKEN), estimated: true };
  });
}
