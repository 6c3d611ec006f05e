/**
 * A stream that stalls is an attempt failure; a long one is not. This wraps
 * the provider's event iterator so that each event must come within
 * `stallMs` of the one before (the first within `stallMs` of the call), and
 * so that the caller's AbortSignal ends it at once. Either way the upstream
 * request is aborted through `abortUpstream` (the SDK stream's
 * `controller.abort()`): an async generator's `return()` would wait for the
 * pending `next()`, which a stalled connection never settles.
 *
 *   for await (const step of withStallTimeout({ source: sdkStream, stallMs, signal, abortUpstream })) {
 *     if (step.kind === "event") ...; else if (step.kind === "stalled") ... step.failure; else ... // aborted
 *   }
 *
 * Errors the source throws (the SDK's APIError for an error event, a dropped
 * connection) pass through unchanged, after the upstream is aborted.
 */
import { stallFailure } from "./stream-failure.ts";
import type { ProviderFailure } from "./types.ts";

export type StallStep<T> =
  | { kind: "event"; event: T }
  | { kind: "stalled"; failure: ProviderFailure }
  | { kind: "aborted" };

export async function* withStallTimeout<T>(
  { source, stallMs, signal, abortUpstream }: {
    source: AsyncIterable<T>;
    stallMs: number;
    /** The caller's: aborted when the client disconnects. */
    signal?: AbortSignal;
    abortUpstream: () => void;
  },
): AsyncGenerator<StallStep<T>, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  let pending: Promise<IteratorResult<T>> | null = null;
  try {
    for (;;) {
      if (signal?.aborted) {
        yield { kind: "aborted" };
        return;
      }
      pending = iterator.next();
      const outcome = await race(pending, stallMs, signal);
      if (outcome === "stalled") {
        yield { kind: "stalled", failure: stallFailure({ stallMs }) };
        return;
      }
      if (outcome === "aborted") {
        yield { kind: "aborted" };
        return;
      }
      pending = null;
      if (outcome.done) {
        finished = true;
        return;
      }
      yield { kind: "event", event: outcome.value };
    }
  } finally {
    if (!finished) {
      abortUpstream();
      // The abandoned next() rejects once the request is aborted: nobody waits for it.
      pending?.catch(() => undefined);
      void Promise.resolve(iterator.return?.()).catch(() => undefined);
    }
  }
}

/** The next result, or which of the stall timer and the signal came first; no timer or listener is left. */
function race<T>(
  next: Promise<IteratorResult<T>>,
  stallMs: number,
  signal: AbortSignal | undefined,
): Promise<IteratorResult<T> | "stalled" | "aborted"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<"stalled" | "aborted">((resolve) => {
    timer = setTimeout(() => resolve("stalled"), stallMs);
    onAbort = () => resolve("aborted");
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  return Promise.race([next, stopped]).finally(() => {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  });
}
