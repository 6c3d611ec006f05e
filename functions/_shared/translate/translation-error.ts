/**
 * Errors of the translation layer.
 *
 * A `TranslationError` is the caller's fault (a body we cannot express on the
 * provider): the edge function answers 400 with OpenAI's error shape and never
 * retries or falls back (spec §4, §8). A `MalformedResponseError` is the
 * provider's fault (a response we cannot read): it is an availability failure
 * (`error_type: "malformed_response"`), so retry and fallback apply.
 */

/** OpenAI-style error codes the translation layer emits. */
export type TranslationErrorCode =
  | "invalid_value"
  | "invalid_type"
  | "unsupported_value";

export class TranslationError extends Error {
  override readonly name = "TranslationError";
  /** The offending field as OpenAI names it, e.g. `messages[3].tool_calls[0].function.arguments`. */
  readonly param: string;
  readonly code: TranslationErrorCode;

  constructor(
    { message, param, code = "invalid_value" }: {
      message: string;
      param: string;
      code?: TranslationErrorCode;
    },
  ) {
    super(message);
    this.param = param;
    this.code = code;
  }
}

export class MalformedResponseError extends Error {
  override readonly name = "MalformedResponseError";
  /** Where in the provider's response the problem is, e.g. `content[1].id`. */
  readonly path: string;

  constructor({ message, path }: { message: string; path: string }) {
    super(message);
    this.path = path;
  }
}
