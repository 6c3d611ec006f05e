// Every third-party runtime import of the functions, in one place. The bare names resolve through
// each function's deno.json (pinned npm: specifiers, used by `supabase functions deploy`) and, for
// tests and the local server, through package.json; scripts/check.mjs keeps the pins in step.
export { default as OpenAI } from "openai";
export { default as Anthropic } from "@anthropic-ai/sdk";
export { default as postgres } from "postgres";
export { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify, errors as joseErrors } from "jose";
export type { JSONWebKeySet, JWK, JWTPayload } from "jose";
