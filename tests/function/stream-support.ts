// Helpers of the streaming function tests (tests/function/stream-*.test.ts): the unmodified OpenAI
// client pointed at the local function, the raw SSE a plain fetch reads, and the call row that a
// stream records after its last byte.
import OpenAI from "openai";
import type { StoredCall } from "../../functions/_shared/db/router-db.ts";
import { readSse, type SseEvent } from "../../functions/_shared/stream/sse.ts";
import { fetchAwaitingRecords, type Sql, type Stack, userToken } from "./harness.ts";

/** The OpenAI SDK as an agent would configure it: the router's URL, a user's JWT, the agent in a header. */
export async function routerClient(stack: Stack, userId: string, agentId: string): Promise<OpenAI> {
  return new OpenAI({
    apiKey: await userToken(stack, userId),
    baseURL: `${stack.supabaseUrl}/functions/v1/route-completion/v1`, // the documented OpenAI base URL
    defaultHeaders: { "x-agent-id": agentId },
    maxRetries: 0,
    fetch: fetchAwaitingRecords, // a JSON answer (a refusal, a 502) waits for its record; a stream's test waits itself
  });
}

/** POSTs a streamed request with fetch and reads every SSE event, so `[DONE]` and the headers can be seen. */
export async function rawStream(
  stack: Stack,
  userId: string,
  body: Record<string, unknown>,
): Promise<{ status: number; headers: Headers; events: SseEvent[] }> {
  const res = await fetchAwaitingRecords(stack.endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await userToken(stack, userId)}` },
    body: JSON.stringify({ ...body, stream: true }),
  });
  const events: SseEvent[] = [];
  if (res.body) for await (const event of readSse(res.body)) events.push(event);
  return { status: res.status, headers: res.headers, events };
}

/** A stored call's figures as a stream test compares them (the lookup's own shape), with its warnings. */
export type RecordedStreamCall =
  & Pick<StoredCall, "status" | "model" | "attempt_count" | "input_tokens" | "output_tokens" | "cached_tokens" | "cache_write_tokens" | "cost_usd">
  & { warnings: string[] };

/** The agent's calls, oldest first, once `count` of them are there: a stream records after its last byte. */
export async function recordedCalls(sql: Sql, agentId: string, count = 1, timeoutMs = 5_000): Promise<RecordedStreamCall[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rows = await sql`
      select status, model, attempt_count, input_tokens::int, output_tokens::int, cached_tokens::int, cache_write_tokens::int,
             trim_scale(cost_usd)::text as cost_usd, warnings
      from routing.calls where agent_id = ${agentId} order by created_at, id`;
    if (rows.length >= count || Date.now() > until) return rows.map((r) => ({ ...r }) as RecordedStreamCall);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The attempts of the agent's calls, in order. */
export async function recordedAttempts(sql: Sql, agentId: string) {
  const rows = await sql`
    select a.seq, a.model, a.http_status, a.error_type, a.input_tokens::int, a.output_tokens::int, a.cached_tokens::int
    from routing.attempts a join routing.calls c on c.id = a.call_id
    where c.agent_id = ${agentId} order by c.created_at, a.seq`;
  return rows.map((r) => ({ ...r }));
}
