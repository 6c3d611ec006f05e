// Fallback along the decision's chain (ROUTING-SPEC §4): each model gets its own retries
// (retry.ts); a caller error stops everything; anything else moves to the next model.
import type { FailureClass, ProviderFailure } from "./classify-failure.ts";
import type { RetryResult, Target } from "./retry.ts";

export type FallbackResult<T, R extends Target = Target> =
  | { ok: true; value: T; answeredBy: R }
  | { ok: false; callerError: boolean; failure: ProviderFailure; class: FailureClass; lastTarget: R };

export async function callWithFallback<T, R extends Target = Target>(
  targets: R[],
  runTarget: (target: R) => Promise<RetryResult<T>>,
): Promise<FallbackResult<T, R>> {
  if (targets.length === 0) throw new Error("callWithFallback needs at least one target");
  let last: Extract<FallbackResult<T, R>, { ok: false }> | null = null;
  for (const target of targets) {
    const result = await runTarget(target);
    if (result.ok) return { ok: true, value: result.value, answeredBy: target };
    last = { ok: false, callerError: result.action === "return", failure: result.failure, class: result.class, lastTarget: target };
    if (result.action === "return") return last;
  }
  return last!;
}

/**
 * The one rule for "fallback used": the model that answered (or was tried last) is not the one
 * decided. Not "not the first tried": with the decided model's circuit open it is tried last.
 */
export function usedFallback({ decided, last }: { decided: Target; last: Target }): boolean {
  return last.model !== decided.model;
}

/**
 * The models to try, in order: the decision's targets (its model, then its fallback chain),
 * skipping models whose provider circuit is open, unless nothing else would be left to try. The
 * decision's model itself goes last when its circuit is open: a replayed decision (same
 * execution_id) keeps its model for the whole execution, but should not knock on a provider known
 * to be down.
 */
export function planTargets<R extends Target>(targets: ReadonlyArray<R>, breakers: Record<string, string>): R[] {
  if (targets.length === 0) throw new Error("planTargets needs at least the decided model");
  const [primary, ...chain] = targets;
  const seen = new Set([primary.model]);
  const unique = chain.filter((t) => !seen.has(t.model) && seen.add(t.model));
  const healthy = unique.filter((t) => breakers[t.provider] !== "open");
  if (breakers[primary.provider] === "open" && healthy.length > 0) return [...healthy, primary];
  return [primary, ...(healthy.length > 0 ? healthy : unique)];
}
