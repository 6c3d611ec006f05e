// Every target of the plan prepared for its own model (prepare-request.ts), before any is called:
// a target that cannot take the request (a PDF for a model without PDF input, a file_id for
// Anthropic, ...) is skipped, and says so in the warnings, as long as another target can take it;
// when none can, the decided model's refusal is the caller's 400. Pure.
import { RouterHttpError } from "../_shared/http/openai-error.ts";
import { type PreparedRequest, prepareRequest } from "../_shared/providers/prepare-request.ts";
import type { DecisionTarget } from "../_shared/routing/types.ts";
import type { OpenAIChatRequest } from "../_shared/translate/mod.ts";
import { TranslationError } from "../_shared/translate/translation-error.ts";
import { capOutputTokens } from "./cap-output-tokens.ts";

/** A target ready to call: `model` and `provider` for the retry and fallback loops, the rest for the call. */
export interface ReadyTarget {
  model: string;
  provider: string;
  target: DecisionTarget;
  prepared: PreparedRequest;
}

export function prepareTargets(
  { request, targets, decidedModel, anthropicDefaultMaxTokens, maxOutputTokens }: {
    request: OpenAIChatRequest;
    /** In the order they will be tried. */
    targets: ReadonlyArray<DecisionTarget>;
    decidedModel: string;
    anthropicDefaultMaxTokens: number;
    /** ROUTER_MAX_OUTPUT_TOKENS (cap-output-tokens.ts); also bounds Anthropic's default max_tokens. */
    maxOutputTokens: number;
  },
): { ready: ReadyTarget[]; skipped: string[] } {
  const ready: ReadyTarget[] = [];
  const skipped: string[] = [];
  const refusals = new Map<string, TranslationError>();
  // How the answer travels is the router's business (stream-completion.ts streams either kind),
  // not a parameter of the model: it is neither adapted, translated nor warned about.
  // The cap sees `stream` (a stream is not capped), then the models do not.
  const cap = capOutputTokens({ request, cap: maxOutputTokens });
  const { stream: _stream, stream_options: _streamOptions, ...modelRequest } = cap.request;
  const defaultMaxTokens = request.stream === true ? anthropicDefaultMaxTokens : Math.min(anthropicDefaultMaxTokens, maxOutputTokens);
  for (const target of targets) {
    try {
      const own = prepareRequest({ request: modelRequest, target, anthropicDefaultMaxTokens: defaultMaxTokens });
      const prepared = cap.warnings.length > 0 ? { ...own, warnings: [...cap.warnings, ...own.warnings] } : own;
      ready.push({ model: target.model, provider: target.provider, target, prepared });
    } catch (error) {
      if (!(error instanceof TranslationError)) throw error;
      refusals.set(target.model, error);
      skipped.push(`${target.model} skipped: ${error.message}`);
    }
  }
  if (ready.length === 0) {
    const refusal = refusals.get(decidedModel) ?? [...refusals.values()][0];
    throw new RouterHttpError(400, refusal.message, { param: refusal.param, code: refusal.code });
  }
  return { ready, skipped };
}
