// The one UUID check of the functions: agent ids in requests and commands, user ids in tokens.
import { RouterHttpError } from "./openai-error.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** The value as a lower-case UUID, or a 400 naming `param` (the database compares ids as uuid). */
export function uuidParam({ value, param }: { value: unknown; param: string }): string {
  if (!isUuid(value)) throw new RouterHttpError(400, `${param} must be a UUID.`, { param, code: "invalid_value" });
  return value.toLowerCase();
}
