/**
 * A request this model cannot take, though another model could (a PDF for a
 * model without PDF input, a `file_id` for Anthropic, tools for a model
 * without tools).
 *
 * It is a TranslationError, so where nothing else is done it is the caller's
 * 400 naming the field; but it is raised after the routing decision, for one
 * target, so the fallback loop may skip this target and try the next one
 * instead (the error names the model). Its `name` stays "TranslationError",
 * so code that only knows that class answers it the same way.
 */
import { TranslationError } from "../translate/translation-error.ts";

export class ModelCapabilityError extends TranslationError {
  /** The catalog name of the model that cannot take the request. */
  readonly model: string;

  constructor({ message, param, model }: { message: string; param: string; model: string }) {
    super({ message, param, code: "unsupported_value" });
    this.model = model;
  }
}
