// The served models of one PROVIDER SIMULATOR (a test double): the built-in table (models.ts) and
// whatever a test adds, judged on the simulator's day so that a retired model answers 404 like the
// real API. Specs arrive from code and, as JSON, over the control API, so they are checked here.
import { BUILT_IN_MODELS, CATALOG_AS_OF } from "./models.ts";
import {
  type AnthropicServedModel,
  isRecord,
  type OpenAIServedModel,
  type Provider,
  type ServedModel,
  type ServedModelSpec,
} from "./types.ts";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ANTHROPIC_SAMPLING = ["any", "one-of", "default-only", "none"];
const FORCED = ["allowed", "without-thinking", "refused"];

function day(value: string | Date): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (!DAY.test(value)) throw new TypeError(`simulator day must be YYYY-MM-DD, got ${JSON.stringify(value)}`);
  return value;
}

/** A spec filled with the permissive defaults; throws TypeError naming the first bad field. */
export function servedModel(spec: unknown, index = 0): ServedModel {
  const fail = (what: string): never => {
    throw new TypeError(`simulator model ${index}: ${what}`);
  };
  if (!isRecord(spec)) return fail("must be an object");
  const { provider, id, maxOutputTokens } = spec;
  if (provider !== "openai" && provider !== "anthropic") fail("provider must be openai or anthropic");
  if (typeof id !== "string" || id === "") fail("id must be a non-empty string");
  if (!Number.isInteger(maxOutputTokens) || (maxOutputTokens as number) < 1) fail("maxOutputTokens must be a positive integer");
  const contextWindow = spec.contextWindow ?? null;
  if (contextWindow !== null && !Number.isInteger(contextWindow)) fail("contextWindow must be an integer or null");
  const retiresAt = spec.retiresAt ?? null;
  if (retiresAt !== null && (typeof retiresAt !== "string" || !DAY.test(retiresAt))) fail("retiresAt must be YYYY-MM-DD or null");
  const base = { id: id as string, maxOutputTokens: maxOutputTokens as number, contextWindow: contextWindow as number | null, retiresAt: retiresAt as string | null };
  if (provider === "openai") {
    const reasoning = spec.reasoning ?? null;
    if (reasoning !== null) {
      if (!isRecord(reasoning) || typeof reasoning.defaultEffort !== "string" ||
        typeof reasoning.samplingWhenEffortNone !== "boolean" || typeof reasoning.toolsWithEffort !== "boolean") {
        fail("reasoning must be null or {defaultEffort, samplingWhenEffortNone, toolsWithEffort}");
      }
    }
    return { provider: "openai", ...base, reasoning: reasoning as OpenAIServedModel["reasoning"] };
  }
  const sampling = spec.sampling ?? "any";
  if (!ANTHROPIC_SAMPLING.includes(String(sampling))) fail(`sampling must be one of ${ANTHROPIC_SAMPLING.join(", ")}`);
  const prefill = spec.prefill ?? true;
  if (typeof prefill !== "boolean") fail("prefill must be a boolean");
  const forcedToolChoice = spec.forcedToolChoice ?? "allowed";
  if (!FORCED.includes(String(forcedToolChoice))) fail(`forcedToolChoice must be one of ${FORCED.join(", ")}`);
  return {
    provider: "anthropic",
    ...base,
    sampling: sampling as AnthropicServedModel["sampling"],
    prefill: prefill as boolean,
    forcedToolChoice: forcedToolChoice as AnthropicServedModel["forcedToolChoice"],
  };
}

export class ModelRegistry {
  #models = new Map<string, ServedModel>();
  readonly day: string;

  constructor(options: { models?: ServedModelSpec[]; builtInModels?: boolean; now?: string | Date } = {}) {
    this.day = day(options.now ?? CATALOG_AS_OF);
    if (options.builtInModels !== false) for (const model of BUILT_IN_MODELS) this.#models.set(key(model.provider, model.id), model);
    this.add(options.models ?? []);
  }

  /** Checks every spec before adding any, so a bad list leaves the registry as it was. */
  add(specs: unknown[]): void {
    const models = specs.map((spec, i) => servedModel(spec, i));
    for (const model of models) this.#models.set(key(model.provider, model.id), model);
  }

  /** The model the API would run for this id on the simulator's day, or null (unknown or retired). */
  find(provider: Provider, id: string): ServedModel | null {
    const model = this.#models.get(key(provider, id));
    if (!model || (model.retiresAt !== null && model.retiresAt <= this.day)) return null;
    return model;
  }

  list(provider?: Provider): ServedModel[] {
    return [...this.#models.values()]
      .filter((m) => (provider === undefined || m.provider === provider) && this.find(m.provider, m.id) !== null)
      .map((m) => structuredClone(m));
  }
}

const key = (provider: Provider, id: string): string => `${provider}\u0000${id}`;
