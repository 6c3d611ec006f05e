import { deepStrictEqual } from "node:assert/strict";
import type { OpenAIChatRequest } from "../_shared/translate/mod.ts";
import { capOutputTokens } from "./cap-output-tokens.ts";

const messages = [{ role: "user" as const, content: "hi" }];
const why = "(ROUTER_MAX_OUTPUT_TOKENS: what a non-streamed answer can produce within the attempt timeout)";

const cases: Array<[string, OpenAIChatRequest, { request: OpenAIChatRequest; warnings: string[] }]> = [
  ["no limit given: unchanged", { messages }, { request: { messages }, warnings: [] }],
  ["at the cap: unchanged", { messages, max_tokens: 4096 }, { request: { messages, max_tokens: 4096 }, warnings: [] }],
  ["one above the cap: clamped, with a warning", { messages, max_tokens: 4097 },
    { request: { messages, max_tokens: 4096 }, warnings: [`max_tokens 4097 clamped to 4096 ${why}`] }],
  ["both names above the cap: both clamped", { messages, max_tokens: 9000, max_completion_tokens: 100_000 },
    { request: { messages, max_tokens: 4096, max_completion_tokens: 4096 },
      warnings: [`max_completion_tokens 100000 clamped to 4096 ${why}`, `max_tokens 9000 clamped to 4096 ${why}`] }],
  ["a stream is bounded by its stall timeout, not capped", { messages, stream: true, max_tokens: 100_000 },
    { request: { messages, stream: true, max_tokens: 100_000 }, warnings: [] }],
  ["a value that is not a number is left for validation", { messages, max_tokens: "many" as unknown as number },
    { request: { messages, max_tokens: "many" as unknown as number }, warnings: [] }],
];

for (const [name, request, expected] of cases) {
  Deno.test(`capOutputTokens: ${name}`, () => {
    const before = structuredClone(request);
    deepStrictEqual(capOutputTokens({ request, cap: 4096 }), expected);
    deepStrictEqual(request, before, "the input is not mutated");
  });
}
