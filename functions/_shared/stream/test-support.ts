/** Shared by the tests of this folder. */

/**
 * Freezes a value and everything it holds: a function that mutates its input
 * then throws (modules are strict), which checks "no mutation" even for inputs
 * that hold functions (`toCallerId`) and so cannot be cloned and compared.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Recorded wire JSON: its inferred type widens literals, so it is asserted once here. */
export const wire = <T>(json: unknown): T => json as T;

/** The caller-facing model name and time used by every fixture. */
export const FIXTURE_MODEL = "claude-haiku-4-5";
export const FIXTURE_CREATED = 1767225600;
