// How the demo and the economics benchmark drive route-completion: one execution as a
// tool-calling loop of a fixed number of calls, its outcome reported to /outcome, and a
// scheduler that runs many at once while keeping each agent's executions in order.
//
// Why the order matters: an agent's route depends on its own earlier outcomes (its record, its
// learned rung), so the run is repeatable whatever the concurrency only when every agent sees
// its executions in the same order. Different agents may interleave freely.

/**
 * Calls the function: `path` is "route-completion" or "route-completion/outcome". Resolves with
 * the HTTP status and the parsed JSON body (null when there was none).
 * @typedef {(path: string, body: Record<string, unknown>) => Promise<{ status: number, body: unknown }>} Invoke
 */

const TOOLS = [{
  type: "function",
  function: { name: "lookup_record", description: "Fetch a record from the CRM", parameters: { type: "object", properties: { id: { type: "string" } }, required: ["id"] } },
}];
// Token sizes that make an execution resemble the plan's §10 mix (about 1,500 input and 1,800
// output tokens): a ~400-token system prompt, re-sent with the growing conversation on every call,
// and ~450 output tokens per answer (the simulator's [sim:output_tokens=N] marker).
const SYSTEM_PROMPT = `You are a business automation agent. Follow the playbook precisely. ${"Check every record against the policy before acting. ".repeat(30)}`;
export const OUTPUT_TOKENS_PER_CALL = 450;

/**
 * @typedef {object} ExecutionResult
 * @property {boolean} answered every call was answered (no error from the function)
 * @property {string[]} models the model that answered each call (routing.model of each answer)
 * @property {string[]} reasons the decision's reason as each answer reported it
 * @property {number} tokens total tokens of the answers
 * @property {number} status the HTTP status of the last call
 */

/** @param {unknown} value */
const isRecord = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The parts of a chat completion the loop needs, checked.
 * @param {unknown} body
 * @returns {{ message: Record<string, unknown>, model: string, reason: string, tokens: number } | null}
 */
function readCompletion(body) {
  if (!isRecord(body)) return null;
  const b = /** @type {Record<string, unknown>} */ (body);
  const choices = b.choices;
  const routing = b.routing;
  const usage = b.usage;
  if (!Array.isArray(choices) || !isRecord(choices[0]) || !isRecord(routing)) return null;
  const message = /** @type {Record<string, unknown>} */ (choices[0]).message;
  const r = /** @type {Record<string, unknown>} */ (routing);
  if (!isRecord(message) || typeof r.model !== "string") return null;
  const total = isRecord(usage) ? /** @type {Record<string, unknown>} */ (usage).total_tokens : 0;
  return {
    message: /** @type {Record<string, unknown>} */ (message),
    model: r.model,
    reason: typeof r.reason === "string" ? r.reason : "",
    tokens: typeof total === "number" ? total : 0,
  };
}

/**
 * One execution: a tool loop of `calls` calls through route-completion. Tool call ids are
 * renamed to ids of this execution before they are sent back, so the conversation (and so its
 * token counts) does not carry the simulator's global counters, which depend on the order of
 * requests across executions.
 * @param {{ invoke: Invoke, agentId: string, executionId: string, calls: number, label: string }} input
 * @returns {Promise<ExecutionResult>}
 */
export async function runExecution({ invoke, agentId, executionId, calls, label }) {
  /** @type {Record<string, unknown>[]} */
  const messages = [
    { role: "system", content: `${SYSTEM_PROMPT}\n[sim:tool_rounds=${calls - 1}] [sim:output_tokens=${OUTPUT_TOKENS_PER_CALL}]` },
    { role: "user", content: `Process ticket ${executionId} for ${label}.` },
  ];
  /** @type {ExecutionResult} */
  const result = { answered: true, models: [], reasons: [], tokens: 0, status: 0 };
  for (let call = 0; call < calls; call++) {
    const { status, body } = await invoke("route-completion", {
      agent_id: agentId, execution_id: executionId, messages, tools: TOOLS, max_tokens: 1800,
    });
    result.status = status;
    const completion = status === 200 ? readCompletion(body) : null;
    if (completion === null) {
      result.answered = false;
      break;
    }
    result.models.push(completion.model);
    result.reasons.push(completion.reason);
    result.tokens += completion.tokens;
    const toolCalls = Array.isArray(completion.message.tool_calls) ? completion.message.tool_calls : [];
    const renamed = toolCalls.map((tc, k) => ({ ...(isRecord(tc) ? tc : {}), id: `call_${call}_${k}` }));
    messages.push(renamed.length > 0 ? { ...completion.message, tool_calls: renamed } : completion.message);
    for (const tc of renamed) messages.push({ role: "tool", tool_call_id: tc.id, content: JSON.stringify({ id: "r-1", status: "open" }) });
    if (renamed.length === 0) break;
  }
  return result;
}

/**
 * Reports an execution's outcome; throws when the function refuses it.
 * @param {{ invoke: Invoke, agentId: string, executionId: string, succeeded: boolean, tokens: number, durationMs: number }} input
 */
export async function reportOutcome({ invoke, agentId, executionId, succeeded, tokens, durationMs }) {
  const { status, body } = await invoke("route-completion/outcome", {
    agent_id: agentId, execution_id: executionId, succeeded, tokens, duration_ms: Math.max(0, Math.round(durationMs)),
  });
  if (status !== 200) throw new Error(`recording the outcome of ${executionId} failed (${status}): ${JSON.stringify(body)}`);
}

/**
 * Runs `run(i)` for every execution index, `concurrency` at a time, never two of one agent at
 * once and each agent's in index order: a worker takes the lowest pending index whose agent is
 * idle. Resolves when all are done; the first error stops new work and rejects.
 * Indices below `from` are taken as done already.
 * @param {{ assignment: number[], concurrency: number, run: (executionIndex: number) => Promise<void>, from?: number }} input
 * @returns {Promise<void>}
 */
export async function runInAgentOrder({ assignment, concurrency, run, from = 0 }) {
  const pending = assignment.map((_, i) => i).slice(from);
  /** @type {Set<number>} */
  const busy = new Set();
  /** @type {(() => void)[]} */
  let waiting = [];
  /** @type {unknown} */
  let failure = null;
  const wake = () => {
    const ws = waiting;
    waiting = [];
    for (const w of ws) w();
  };
  const worker = async () => {
    while (pending.length > 0 && failure === null) {
      const at = pending.findIndex((i) => !busy.has(assignment[i]));
      if (at < 0) {
        await new Promise((resolve) => waiting.push(() => resolve(undefined)));
        continue;
      }
      const [index] = pending.splice(at, 1);
      const agent = assignment[index];
      busy.add(agent);
      try {
        await run(index);
      } catch (err) {
        failure ??= err;
      } finally {
        busy.delete(agent);
        wake();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  if (failure !== null) throw failure;
}
