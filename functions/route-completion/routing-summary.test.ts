import { deepStrictEqual } from "node:assert/strict";
import { boundedWarnings, MAX_WARNING_LENGTH, MAX_WARNINGS } from "./routing-summary.ts";

const many = Array.from({ length: MAX_WARNINGS + 3 }, (_, i) => `w${i}`);
const cases: Array<[string, string[], string[]]> = [
  ["none stay none", [], []],
  ["a few stay as they are", ["a", "b"], ["a", "b"]],
  ["exactly the limit stays whole", many.slice(0, MAX_WARNINGS), many.slice(0, MAX_WARNINGS)],
  ["above the limit, the last kept line counts the rest", many, [...many.slice(0, MAX_WARNINGS - 1), "4 further warnings omitted"]],
  ["a warning above 500 characters is cut with an ellipsis", ["x".repeat(MAX_WARNING_LENGTH + 10)], [`${"x".repeat(MAX_WARNING_LENGTH - 1)}…`]],
];

for (const [name, input, expected] of cases) {
  Deno.test(`boundedWarnings: ${name} (what record_completion takes: at most 50, each at most 500 characters)`, () => {
    const before = [...input];
    deepStrictEqual(boundedWarnings(input), expected);
    deepStrictEqual(input, before);
  });
}
