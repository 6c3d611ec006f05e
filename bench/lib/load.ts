// The benchmarks' load generator: CLOSED-LOOP. `concurrency` workers each send one request, wait
// for its whole answer, then send the next, until `count` requests were sent; every sample is one
// request's latency (request start to the last byte of the answer). Throughput = count / wall time.
// Closed-loop means the offered load adapts to the server: a slower server is sent less, so a
// latency at concurrency N is "N callers in flight", not a fixed arrival rate.
import { percentiles, type Percentiles } from "./results.ts";

export interface LoadFigures {
  concurrency: number;
  requests: number;
  errors: number;
  /** The first error's description, for the log. */
  first_error: string | null;
  wall_ms: number;
  throughput_rps: number;
  latency_ms: Percentiles;
}

/** One request: resolves to null when it succeeded, else a short description of what went wrong. */
export type Send = () => Promise<string | null>;

export async function closedLoop(
  o: { count: number; concurrency: number; send: Send; onDone?: (done: number) => void },
): Promise<LoadFigures> {
  const samples: number[] = [];
  let sent = 0;
  let errors = 0;
  let firstError: string | null = null;
  const worker = async () => {
    while (sent < o.count) {
      sent++;
      const started = performance.now();
      let problem: string | null;
      try {
        problem = await o.send();
      } catch (err) {
        problem = err instanceof Error ? err.message : String(err);
      }
      samples.push(performance.now() - started);
      if (problem !== null) {
        errors++;
        firstError ??= problem;
      }
      o.onDone?.(samples.length);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const wall = performance.now() - started;
  return {
    concurrency: o.concurrency,
    requests: samples.length,
    errors,
    first_error: firstError,
    wall_ms: +wall.toFixed(1),
    throughput_rps: +(samples.length / (wall / 1000)).toFixed(1),
    latency_ms: percentiles(samples),
  };
}

/** A JSON POST whose answer is read to the end; 200 is success. */
export function jsonPost(url: string, headers: Record<string, string>, body: unknown): Send {
  const text = JSON.stringify(body);
  const allHeaders = { "content-type": "application/json", ...headers };
  return async () => {
    const res = await fetch(url, { method: "POST", headers: allHeaders, body: text });
    const answer = await res.text();
    return res.status === 200 ? null : `HTTP ${res.status}: ${answer.slice(0, 200)}`;
  };
}
