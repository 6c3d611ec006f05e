// Every third-party import of the functions, pinned in one place (npm specifiers work on
// Supabase's Edge Runtime and in plain Deno alike; keep the versions in step with package.json).
export { default as OpenAI } from "npm:openai@6.49.0";
export { default as Anthropic } from "npm:@anthropic-ai/sdk@1.14.0";
export { default as postgres } from "npm:postgres@3.4.7";
export { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, errors as joseErrors } from "npm:jose@6.2.18";
