/** Shared by the tests of this folder. */
import assert from "node:assert/strict";

/** Runs `fn` on `input`, then checks against a copy taken before that `input` did not change. */
export function withoutMutation<I, O>(input: I, fn: (input: I) => O): O {
  const before = structuredClone(input);
  const output = fn(input);
  assert.deepStrictEqual(input, before, "the input was mutated");
  return output;
}
