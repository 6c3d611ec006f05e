// Answer first, record after (issue 12): the answer names its record (routing.call_key and
// x-routing-call-key) instead of a cost, and GET …/v1/calls/{call_key} reads the stored call,
// costed by the database (routing.cost_usd, the one price formula). A tenant reads only their own
// calls; another tenant's key answers as a missing one.
import { deepStrictEqual, equal } from "node:assert/strict";
import { createUserWithAgent, e2e, post, startStack, userToken } from "./harness.ts";

const messages = [{ role: "user", content: "What did this cost?" }];

async function lookUp(url: string, token: string) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json() as Record<string, unknown> };
}

Deno.test("GET /v1/calls/{call_key}: the stored call's cost for its tenant and the service role, 404 for anyone else", e2e, async () => {
  const stack = await startStack();
  try {
    const owner = await createUserWithAgent(stack.sql, { score: 5.2, executions: 30, successRate: 97 });
    const stranger = await createUserWithAgent(stack.sql, { score: 5.2, executions: 30, successRate: 97 });
    const ownerToken = await userToken(stack, owner.userId);
    const res = await post(stack.endpoint, ownerToken, { agent_id: owner.agentId, messages }); // waits for the record
    equal(res.status, 200, JSON.stringify(res.body));
    const routing = res.body.routing as Record<string, unknown>;
    const key = String(routing.call_key);
    equal(res.headers.get("x-routing-call-key"), key);
    equal("cost_usd" in routing, false, "the answer carries no cost: the record is stored after it");

    const [row] = await stack.sql`
      select c.decision_id::text, c.model, trim_scale(c.cost_usd)::text as cost, trim_scale(c.baseline_cost_usd)::text as baseline,
             trim_scale(routing.cost_usd(routing.price_in_force(c.model, c.created_at), c.input_tokens, c.output_tokens,
                                         c.cached_tokens, c.cache_write_tokens))::text as priced
      from routing.calls c where c.call_key = ${key}::uuid`;
    const url = `${stack.endpoint}/v1/calls/${key}`;
    const mine = await lookUp(url, ownerToken);
    equal(mine.status, 200, JSON.stringify(mine.body));
    deepStrictEqual(
      [mine.body.call_key, mine.body.decision_id, mine.body.model, mine.body.cost_usd, mine.body.baseline_cost_usd],
      [key, routing.decision_id, row.model, row.priced, row.baseline],
    );
    equal(row.cost, row.priced, "the stored cost is routing.cost_usd at the price in force");
    deepStrictEqual((await lookUp(url, stack.serviceKey)).body.cost_usd, row.priced, "the service role reads any call");

    const theirs = await lookUp(url, await userToken(stack, stranger.userId));
    deepStrictEqual([theirs.status, (theirs.body.error as Record<string, unknown>).code], [404, "not_found"], "another tenant's call is missing to them");
    const unknown = await lookUp(`${stack.endpoint}/v1/calls/${crypto.randomUUID()}`, ownerToken);
    equal(unknown.status, 404);
    const malformed = await lookUp(`${stack.endpoint}/v1/calls/not-a-key`, ownerToken);
    deepStrictEqual([malformed.status, (malformed.body.error as Record<string, unknown>).param], [400, "call_key"]);
  } finally {
    await stack.close();
  }
});
