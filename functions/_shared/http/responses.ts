// JSON responses with CORS, the OpenAI-shaped error response, and the CORS preflight.
import { RouterHttpError } from "./openai-error.ts";

/**
 * What a browser may send: supabase-js's headers, the router's own, and those the OpenAI SDK adds
 * to every request (so `new OpenAI({ baseURL, dangerouslyAllowBrowser: true })` passes the preflight).
 */
const ALLOWED_HEADERS = [
  "authorization", "x-client-info", "apikey", "content-type", "x-agent-id", "x-execution-id",
  "openai-organization", "openai-project", "openai-beta",
  "x-stainless-arch", "x-stainless-lang", "x-stainless-os", "x-stainless-package-version", "x-stainless-runtime",
  "x-stainless-runtime-version", "x-stainless-retry-count", "x-stainless-timeout", "x-stainless-helper-method",
];

export const corsHeaders: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": ALLOWED_HEADERS.join(", "),
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-expose-headers":
    "x-routing-decision-id, x-routing-model, x-routing-provider, x-routing-reason, x-routing-cohort, x-routing-attempts, x-routing-fallback",
};

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "content-type": "application/json", ...headers },
  });
}

/** The error's own headers (allow, x-routing-*) and then `headers`, which a function adds to all its errors. */
export function errorResponse(error: RouterHttpError, headers: Record<string, string> = {}): Response {
  return jsonResponse(error.status, error.toBody(), { ...error.headers, ...headers });
}

export function preflightResponse(headers: Record<string, string> = {}): Response {
  return new Response("ok", { status: 200, headers: { ...corsHeaders, ...headers } });
}
