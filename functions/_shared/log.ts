// Structured logs, one JSON object a line. Never pass message contents, keys or tokens here.
import { readSettings } from "./config/settings.ts";

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

const threshold = LEVELS[readSettings().logLevel];

export function log(level: Level, event: string, fields: Record<string, unknown> = {}): void {
  if (LEVELS[level] < threshold) return;
  const line = JSON.stringify({ level, event, at: new Date().toISOString(), ...fields });
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

/**
 * Credentials an error message may quote (a connection string, a token, an API key), masked.
 * Unexpected errors are logged with their message, and their message is not ours to trust.
 */
const SECRETS: ReadonlyArray<[RegExp, string]> = [
  [/([a-z][a-z0-9+.-]*:\/\/)[^\s:/@]+:[^\s@]+@/gi, "$1***@"],
  [/\beyJ[\w-]+\.[\w-]+\.[\w-]*/g, "[jwt]"],
  [/\b(bearer)\s+\S+/gi, "$1 ***"],
  [/\b(?:sk|sb_secret|sb_publishable)[-_][\w-]{8,}/g, "[key]"],
];

export function redactSecrets(text: string): string {
  return SECRETS.reduce((out, [pattern, mask]) => out.replace(pattern, mask), text);
}

/** The fields that describe an unexpected error in a log line. */
export function errorFields(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: redactSecrets(error.message) };
  return { name: typeof error, message: redactSecrets(String(error)) };
}
