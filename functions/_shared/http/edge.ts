// The shared edge of both functions: the CORS preflight, and one funnel that turns whatever a
// handler throws into an answer. A RouterHttpError is meant for the caller and leaves in OpenAI's
// error shape; anything else is a bug: a 500 `internal_error`, logged without secrets.
import { errorFields, log } from "../log.ts";
import { RouterHttpError } from "./openai-error.ts";
import { errorResponse, preflightResponse } from "./responses.ts";

export interface EdgeOptions {
  /** Added to the preflight and to every error answer (e.g. the methods a function allows). */
  headers?: Record<string, string>;
  /** Log events for a 5xx RouterHttpError and for an unexpected error. */
  events: { failed: string; unexpected: string };
  /** The 500's message, in the function's words. */
  unexpectedMessage: string;
}

export type Handler = (req: Request) => Promise<Response>;

/** `handle` behind the preflight and the error funnel. */
export function edgeHandler(options: EdgeOptions, handle: Handler): Handler {
  return async (req) => {
    if (req.method === "OPTIONS") return preflightResponse(options.headers);
    try {
      return await handle(req);
    } catch (error) {
      return errorAnswer(error, options);
    }
  };
}

/** What any thrown value becomes. */
export function errorAnswer(error: unknown, options: EdgeOptions): Response {
  if (error instanceof RouterHttpError) {
    if (error.status >= 500) log("warn", options.events.failed, { status: error.status, code: error.code });
    return errorResponse(error, options.headers);
  }
  log("error", options.events.unexpected, errorFields(error));
  return errorResponse(new RouterHttpError(500, options.unexpectedMessage, { code: "internal_error" }), options.headers);
}

/** 405 naming the method to use; `allow` lists it (OPTIONS is always allowed). */
export function methodNotAllowed(method: string, allow: string): RouterHttpError {
  return new RouterHttpError(405, `Method ${method} is not allowed: use ${allow}.`, {
    code: "method_not_allowed",
    headers: { allow: `${allow}, OPTIONS` },
  });
}
