/** A JSON object (not null, not an array): what a field off the wire must be before its keys are read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
