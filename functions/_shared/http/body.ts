// The one JSON body reader of the functions: bounded while reading, an object or a 400.
import { RouterHttpError } from "./openai-error.ts";

/**
 * Reads the body as a JSON object: 413 above `maxBytes`, 400 `invalid_json` otherwise.
 * The declared length is checked first, so an oversized declared body is refused unread; the
 * body is then read as a stream and refused as soon as it passes the limit, so a chunked body
 * without Content-Length (or one that lies about it) is never buffered past `maxBytes`.
 */
export async function readJsonObject(req: Request, maxBytes: number): Promise<Record<string, unknown>> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const bytes = await readBounded(req.body, maxBytes);
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

/** At most `maxBytes` of a stream, or a 413 the moment it has more (the rest is cancelled, unread). */
export async function readBounded(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(maxBytes: number): RouterHttpError {
  return new RouterHttpError(413, `The request body is larger than ${maxBytes} bytes.`, { code: "request_too_large" });
}

function invalidJson(message: string): RouterHttpError {
  return new RouterHttpError(400, message, { param: "body", code: "invalid_json" });
}
