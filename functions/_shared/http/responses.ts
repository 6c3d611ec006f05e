// JSON responses with CORS, and the OpenAI-shaped error response.
import { RouterHttpError } from "./openai-error.ts";

export const corsHeaders: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "authorization, x-client-info, apikey, content-type, x-agent-id",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-expose-headers":
    "x-routing-decision-id, x-routing-model, x-routing-provider, x-routing-reason, x-routing-cohort, x-routing-attempts, x-routing-fallback",
};

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...corsHeaders, "content-type": "application/json", ...headers },
  });
}

export function errorResponse(error: RouterHttpError): Response {
  return jsonResponse(error.status, error.toBody(), error.headers);
}

export function preflightResponse(): Response {
  return new Response("ok", { status: 200, headers: corsHeaders });
}
