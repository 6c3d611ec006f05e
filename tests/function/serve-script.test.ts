// `npm run serve` (scripts/serve.mjs) as a user runs it: it writes the local keys to .env.local (or the
// file ROUTER_ENV_FILE names: npm test points it into .local/test) and
// serves route-completion at /functions/v1/, with the environment it is given winning.
import { equal, match } from "node:assert/strict";
import { createClient } from "@supabase/supabase-js";
import { startProviderSimulator } from "../simulator/provider-simulator.ts";
import { configuredModels, createUserWithAgent, databaseUrl, e2e, freePort } from "./harness.ts";
import postgres from "postgres";
import { signUserToken } from "../../scripts/local-keys.mjs";

const root = new URL("../../", import.meta.url);

Deno.test("npm run serve writes .env.local and serves route-completion with the given environment", e2e, async () => {
  const sim = await startProviderSimulator({ port: 0 });
  const port = freePort();
  const dbUrl = await databaseUrl();
  const child = new Deno.Command("node", {
    args: ["scripts/serve.mjs"],
    cwd: root.pathname,
    env: {
      DATABASE_URL: dbUrl,
      FUNCTIONS_PORT: String(port),
      OPENAI_BASE_URL: sim.openaiBaseUrl,
      ANTHROPIC_BASE_URL: sim.anthropicBaseUrl,
      OPENAI_API_KEY: "test-openai-key",
      ANTHROPIC_API_KEY: "test-anthropic-key",
      ENABLE_INTELLIGENT_ROUTING: "true",
    },
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let printed = "";
    while (!printed.includes("serving")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`serve.mjs stopped: ${printed}`);
      printed += value;
    }
    reader.releaseLock();
    child.stdout.cancel().catch(() => {});

    const env = await Deno.readTextFile(Deno.env.get("ROUTER_ENV_FILE") || new URL(".env.local", root));
    match(env, new RegExp(`^SUPABASE_URL=http://127\\.0\\.0\\.1:${port}$`, "m"));
    const anonKey = /^SUPABASE_ANON_KEY=(.+)$/m.exec(env)![1];
    const secret = /^SUPABASE_JWT_SECRET=(.+)$/m.exec(env)![1];
    match(env, /^SUPABASE_SERVICE_ROLE_KEY=ey/m);

    const { userId, agentId } = await createUserWithAgent(sql, { score: 5.2, executions: 30, successRate: 97 });
    const supabase = createClient(`http://127.0.0.1:${port}`, anonKey, {
      auth: { persistSession: false },
      global: { headers: { Authorization: `Bearer ${await signUserToken(userId, secret)}` } },
    });
    const { data, error } = await supabase.functions.invoke("route-completion", {
      body: { agent_id: agentId, messages: [{ role: "user", content: "hi" }] },
    });
    equal(error, null);
    equal(data.model, (await configuredModels(sql)).medium.model);
    equal(sim.received()[0].path, "/v1/messages", "ANTHROPIC_BASE_URL from the environment was used");
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await sql.end();
    await sim.close();
  }
});
