// The script of the PROVIDER SIMULATOR (a test double): queued steps, consumed in order by the
// requests they match. Steps arrive from code and, as JSON, from other processes, so they are
// checked here, once, with messages that name the bad field.
import { ERROR_PRESETS } from "./errors.ts";
import { prng } from "./prng.ts";
import { isRecord, type Provider, type ScriptStep } from "./types.ts";

const KEYS = new Set([
  "provider", "model", "times", "status", "headers", "body", "error", "retryAfterSeconds", "retryAfterMs",
  "hang", "delayMs", "drop", "malformed", "toolCall", "toolCalls", "text", "usage", "finish",
  "streamIntervalMs", "stallAfterEvents", "dropAfterEvents", "errorAfterEvents", "streamError",
  "failureRate", "failureSeed",
]);
const FINISH = ["stop", "length", "tool_calls", "content_filter", "stop_sequence"];
const USAGE_KEYS = ["inputTokens", "outputTokens", "cachedTokens", "cacheCreationTokens"];

const nonNegative = (v: unknown): boolean => typeof v === "number" && Number.isFinite(v) && v >= 0;

/** Throws TypeError naming the first problem; returns the step typed. */
export function checkStep(value: unknown, index = 0): ScriptStep {
  const fail = (what: string): never => {
    throw new TypeError(`simulator script step ${index}: ${what}`);
  };
  if (!isRecord(value)) return fail("must be an object");
  for (const key of Object.keys(value)) if (!KEYS.has(key)) fail(`unknown field "${key}"`);
  const v = value;
  if (v.provider !== undefined && v.provider !== "openai" && v.provider !== "anthropic") fail("provider must be openai or anthropic");
  if (v.model !== undefined && typeof v.model !== "string") fail("model must be a string");
  if (v.times !== undefined && v.times !== "always" && !(Number.isInteger(v.times) && (v.times as number) >= 1)) {
    fail('times must be a positive integer or "always"');
  }
  if (v.status !== undefined && !(Number.isInteger(v.status) && (v.status as number) >= 200 && (v.status as number) <= 599)) {
    fail("status must be an HTTP status (200-599)");
  }
  if (v.headers !== undefined && !(isRecord(v.headers) && Object.values(v.headers).every((h) => typeof h === "string"))) {
    fail("headers must map names to strings");
  }
  if (v.error !== undefined && !ERROR_PRESETS.includes(v.error as never)) fail(`error must be one of ${ERROR_PRESETS.join(", ")}`);
  for (const key of ["retryAfterSeconds", "retryAfterMs", "delayMs", "streamIntervalMs"]) {
    if (v[key] !== undefined && !nonNegative(v[key])) fail(`${key} must be a non-negative number`);
  }
  for (const key of ["hang", "drop", "malformed"]) {
    if (v[key] !== undefined && typeof v[key] !== "boolean") fail(`${key} must be a boolean`);
  }
  for (const key of ["stallAfterEvents", "dropAfterEvents", "errorAfterEvents"]) {
    if (v[key] !== undefined && !(Number.isInteger(v[key]) && (v[key] as number) >= 0)) fail(`${key} must be a whole number of events`);
  }
  if (v.streamError !== undefined && !ERROR_PRESETS.includes(v.streamError as never)) {
    fail(`streamError must be one of ${ERROR_PRESETS.join(", ")}`);
  }
  if (v.text !== undefined && typeof v.text !== "string") fail("text must be a string");
  const checkCall = (call: unknown, at: string): void => {
    if (!isRecord(call) || typeof call.name !== "string") fail(`${at} needs a name`);
    const args = (call as Record<string, unknown>).arguments;
    if (args !== undefined && typeof args !== "string" && !isRecord(args)) fail(`${at}.arguments must be an object or a string`);
  };
  if (v.toolCall !== undefined) checkCall(v.toolCall, "toolCall");
  if (v.toolCalls !== undefined) {
    if (!Array.isArray(v.toolCalls) || v.toolCalls.length === 0) fail("toolCalls must be a non-empty array");
    (v.toolCalls as unknown[]).forEach((call, i) => checkCall(call, `toolCalls[${i}]`));
  }
  if (v.usage !== undefined) {
    if (!isRecord(v.usage)) return fail("usage must be an object");
    for (const [key, n] of Object.entries(v.usage)) {
      if (!USAGE_KEYS.includes(key) || !nonNegative(n)) fail(`usage.${key} is not one of ${USAGE_KEYS.join(", ")} with a count`);
    }
  }
  if (v.failureRate !== undefined && !(nonNegative(v.failureRate) && (v.failureRate as number) <= 1)) {
    fail("failureRate must be a share between 0 and 1");
  }
  if (v.failureSeed !== undefined && !Number.isInteger(v.failureSeed)) fail("failureSeed must be an integer");
  if (v.finish !== undefined && !FINISH.includes(String(v.finish))) fail(`finish must be one of ${FINISH.join(", ")}`);
  return v as ScriptStep;
}

interface Queued {
  step: ScriptStep;
  remaining: number; // Infinity for "always"
  /** The draws of a step with a failureRate. */
  draw: (() => number) | null;
}

export class ScriptQueue {
  #queue: Queued[] = [];

  push(steps: unknown[]): void {
    // Check all before queueing any, so a bad script leaves the queue as it was.
    const checked = steps.map((s, i) => checkStep(s, i));
    for (const step of checked) {
      this.#queue.push({
        step,
        remaining: step.times === "always" ? Infinity : step.times ?? 1,
        draw: step.failureRate === undefined ? null : prng(step.failureSeed ?? 1),
      });
    }
  }

  /**
   * Takes one use of the first step matching the request, or null for the default behaviour: no
   * step matched, or the matching step's failureRate draw spared this request (the use still counts).
   */
  take(provider: Provider, model: string | null): ScriptStep | null {
    const index = this.#queue.findIndex(({ step }) =>
      (step.provider === undefined || step.provider === provider) &&
      (step.model === undefined || step.model === model)
    );
    if (index < 0) return null;
    const entry = this.#queue[index];
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#queue.splice(index, 1);
    if (entry.draw !== null && entry.draw() >= (entry.step.failureRate ?? 0)) return null;
    return entry.step;
  }

  get length(): number {
    return this.#queue.length;
  }

  clear(): void {
    this.#queue = [];
  }
}
