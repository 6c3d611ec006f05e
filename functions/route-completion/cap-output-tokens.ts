// The router's output-token cap (ROUTER_MAX_OUTPUT_TOKENS, issue 11 item 2): a whole, non-streamed
// answer must arrive within one attempt's timeout (ROUTER_ATTEMPT_TIMEOUT_MS, 30 s), so the caller's
// `max_tokens` / `max_completion_tokens` above the cap are clamped to it, with a warning; otherwise
// a tenant's long generations time out, spend the provider's billing and count against the shared
// circuit. A stream is not capped: its first byte and then each event are bounded by the stall
// timeout (ROUTER_STREAM_STALL_MS), not its whole length. Pure; applied before each model's own limit.
import type { OpenAIChatRequest } from "../_shared/translate/mod.ts";

const LIMIT_PARAMS = ["max_completion_tokens", "max_tokens"] as const;

export function capOutputTokens(
  { request, cap }: { request: OpenAIChatRequest; cap: number },
): { request: OpenAIChatRequest; warnings: string[] } {
  if (request.stream === true) return { request, warnings: [] };
  const capped: OpenAIChatRequest = { ...request };
  const warnings: string[] = [];
  for (const param of LIMIT_PARAMS) {
    const value: unknown = request[param];
    if (typeof value !== "number" || value <= cap) continue;
    capped[param] = cap;
    warnings.push(`${param} ${value} clamped to ${cap} (ROUTER_MAX_OUTPUT_TOKENS: what a non-streamed answer can produce within the attempt timeout)`);
  }
  return warnings.length > 0 ? { request: capped, warnings } : { request, warnings };
}
