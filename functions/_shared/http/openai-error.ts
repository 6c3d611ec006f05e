// Every error the router returns has OpenAI's shape, so an OpenAI client parses it unchanged:
// {"error": {"message", "type", "param", "code"}}.

export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
    /** Only on 502: what each provider attempt did. */
    attempts?: unknown[];
  };
}

/** An error that is meant for the caller, with its HTTP status. Thrown anywhere, answered once. */
export class RouterHttpError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  readonly headers: Record<string, string>;
  readonly attempts?: unknown[];

  constructor(
    status: number,
    message: string,
    options: { type?: string; param?: string | null; code?: string | null; headers?: Record<string, string>; attempts?: unknown[] } = {},
  ) {
    super(message);
    this.name = "RouterHttpError";
    this.status = status;
    this.type = options.type ?? defaultTypeFor(status);
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.headers = options.headers ?? {};
    this.attempts = options.attempts;
  }

  toBody(): OpenAIErrorBody {
    const error: OpenAIErrorBody["error"] = { message: this.message, type: this.type, param: this.param, code: this.code };
    if (this.attempts) error.attempts = this.attempts;
    return { error };
  }
}

/**
 * OpenAI's answer for a model it does not serve (404, type invalid_request_error, code
 * model_not_found): an unknown `model` in a request, an unknown id of GET /v1/models/{id}.
 */
export function modelNotFound(message: string): RouterHttpError {
  return new RouterHttpError(404, message, { type: "invalid_request_error", param: "model", code: "model_not_found" });
}

/** OpenAI's error `type` for a status, so clients that switch on it behave as with OpenAI. */
function defaultTypeFor(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}
