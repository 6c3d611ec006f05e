// The one JSON body reader of the functions: bounded before and after reading, an object or a 400.
import { RouterHttpError } from "./openai-error.ts";

/** Reads the body as a JSON object: 413 above `maxBytes` (declared or actual), 400 `invalid_json` otherwise. */
export async function readJsonObject(req: Request, maxBytes: number): Promise<Record<string, unknown>> {
  // The declared length is checked first so an oversized body is refused before it is read.
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const bytes = new Uint8Array(await req.arrayBuffer());
  if (bytes.length > maxBytes) throw tooLarge(maxBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw invalidJson("The request body is not valid JSON.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalidJson("The request body must be a JSON object.");
  }
  return parsed as Record<string, unknown>;
}

function tooLarge(maxBytes: number): RouterHttpError {
  return new RouterHttpError(413, `The request body is larger than ${maxBytes} bytes.`, { code: "request_too_large" });
}

function invalidJson(message: string): RouterHttpError {
  return new RouterHttpError(400, message, { param: "body", code: "invalid_json" });
}
