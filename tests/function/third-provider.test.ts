// Providers are data (issue 8, item 1): a third provider added by SQL alone (routing.providers,
// routing.models, routing.model_prices, an agent's preference) answers a call end to end, served
// by a second simulator instance that knows only its own model, and the call is recorded with
// its cost. No code knows its name.
import { deepStrictEqual, equal } from "node:assert/strict";
import { startProviderSimulator } from "../simulator/provider-simulator.ts";
import { createUserWithAgent, e2e, post, startStack, userToken } from "./harness.ts";

const LOCAL_KEY = "test-local-llm-key";

Deno.test("a third provider added by SQL alone answers a call, recorded with its cost", e2e, async () => {
  // A local model server: an OpenAI-compatible API serving one model, nothing else.
  const local = await startProviderSimulator({ port: 0, builtInModels: false });
  local.addModels({ provider: "openai", id: "llama-3.1-8b-instruct", maxOutputTokens: 4096 });
  // The router's cap (ROUTER_MAX_OUTPUT_TOKENS) out of the way: the model's own limit clamps here.
  const stack = await startStack({ LOCAL_LLM_API_KEY: LOCAL_KEY, ROUTER_MAX_OUTPUT_TOKENS: "1000000" });
  const sql = stack.sql;
  try {
    await sql`insert into routing.providers (provider, kind, base_url, base_url_env, api_key_env, description)
              values ('local-llm', 'openai-compatible', ${local.openaiBaseUrl}, null, 'LOCAL_LLM_API_KEY', 'test only: a local model server')
              on conflict (provider) do update set base_url = excluded.base_url, enabled = true`;
    await sql`insert into routing.models (model, provider, wire_id, context_window, max_output_tokens, supports_tools, sampling, description)
              values ('llama-3.1-8b', 'local-llm', 'llama-3.1-8b-instruct', 131072, 4096, true, 'any', 'test only')
              on conflict (model) do update set active = true`;
    await sql`insert into routing.model_prices (model, effective_from, input_per_mtok, output_per_mtok, cached_input_per_mtok, cache_write_per_mtok)
              values ('llama-3.1-8b', '2026-01-01', 0.05, 0.08, 0.05, 0.05) on conflict (model, effective_from) do nothing`;
    const { userId, agentId } = await createUserWithAgent(sql, { score: 5.2, executions: 30, successRate: 97, preference: "llama-3.1-8b" });

    const res = await post(stack.endpoint, await userToken(stack, userId), {
      agent_id: agentId, messages: [{ role: "user", content: "Classify this ticket." }], max_tokens: 9000, temperature: 0.2, top_p: 0.9,
    });
    equal(res.status, 200, JSON.stringify(res.body));
    const routing = res.body.routing as Record<string, unknown>;
    deepStrictEqual([res.body.model, routing.model, routing.provider, routing.reason, routing.attempts], ["llama-3.1-8b", "llama-3.1-8b", "local-llm", "agent_preference", 1]);
    deepStrictEqual(routing.warnings, ["max_tokens 9000 clamped to 4096 (the output limit of llama-3.1-8b)"]);
    equal(res.headers.get("x-routing-provider"), "local-llm");

    // The second instance got the call, with the wire id and the key its row names; the built-in providers nothing.
    const [seen] = local.received();
    deepStrictEqual([local.received().length, seen.path, seen.headers["authorization"]], [1, "/v1/chat/completions", `Bearer ${LOCAL_KEY}`]);
    deepStrictEqual(seen.body, {
      model: "llama-3.1-8b-instruct", messages: [{ role: "user", content: "Classify this ticket." }], max_tokens: 4096, temperature: 0.2, top_p: 0.9,
    });
    equal(stack.sim.received().length, 0);

    const [call] = await sql`select model, provider, status, input_tokens::int, output_tokens::int, trim_scale(cost_usd)::text as cost_usd
                             from routing.calls where agent_id = ${agentId}`;
    const [expected] = await sql`select trim_scale((${call.input_tokens}::numeric * 0.05 + ${call.output_tokens}::numeric * 0.08) / 1000000)::text as cost`;
    deepStrictEqual({ ...call }, {
      model: "llama-3.1-8b", provider: "local-llm", status: "succeeded", input_tokens: call.input_tokens, output_tokens: 10, cost_usd: expected.cost,
    });
    equal(routing.call_key, (await sql`select call_key::text from routing.calls where agent_id = ${agentId}`)[0].call_key);
  } finally {
    // The provider leaves the routing: its rows stay for the audit trail (and a rerun), disabled and out of the catalog.
    await sql`update routing.models set active = false where model = 'llama-3.1-8b'`;
    await sql`update routing.providers set enabled = false where provider = 'local-llm'`;
    await stack.close();
    await local.close();
  }
});
