import assert from "node:assert/strict";
import { withoutMutation } from "./test-support.ts";
import {
  buildToolIdMap,
  EMPTY_TOOL_ID_MAP,
  isAnthropicSafeToolId,
  toAnthropicToolId,
  toCallerToolId,
} from "./tool-id-map.ts";

const SAFE = /^[a-zA-Z0-9_-]{1,64}$/;
const LONG_ID = `call_${"x".repeat(70)}`;

const passThroughRows = [
  { name: "OpenAI id", id: "call_abc123" },
  { name: "Anthropic id", id: "toolu_01AbCdEfGhIjKlMnOpQrStUv" },
  { name: "exactly 64 characters", id: "a".repeat(64) },
];

for (const { name, id } of passThroughRows) {
  Deno.test(`tool id map: ${name} passes unchanged`, () => {
    const toolIds = buildToolIdMap({ ids: [id] });
    assert.deepStrictEqual(toolIds, EMPTY_TOOL_ID_MAP);
    assert.strictEqual(toAnthropicToolId({ toolIds, id }), id);
  });
}

const rewriteRows = [
  { name: "dots and colon", id: "functions.get_weather:0", stem: "functions_get_weather_0_" },
  { name: "spaces and slash", id: "call 1/2", stem: "call_1_2_" },
  { name: "longer than 64", id: LONG_ID, stem: LONG_ID.slice(0, 52) + "_" },
  { name: "empty id", id: "", stem: "" },
];

for (const { name, id, stem } of rewriteRows) {
  Deno.test(`tool id map: ${name} is rewritten and maps back`, () => {
    const toolIds = buildToolIdMap({ ids: [id] });
    const mapped = toAnthropicToolId({ toolIds, id });
    assert.ok(SAFE.test(mapped), `${mapped} is not a valid Anthropic id`);
    assert.ok(mapped.startsWith(stem), `${mapped} does not start with ${stem}`);
    assert.strictEqual(toCallerToolId({ toolIds, id: mapped }), id);
    assert.deepStrictEqual(toolIds, {
      toAnthropic: new Map([[id, mapped]]),
      toCaller: new Map([[mapped, id]]),
    });
  });
}

Deno.test("tool id map: deterministic whatever the order and repeats", () => {
  const a = buildToolIdMap({ ids: ["x.1", "y:2", "call_ok"] });
  const b = buildToolIdMap({ ids: ["y:2", "call_ok", "x.1", "x.1"] });
  assert.deepStrictEqual(a, b);
});

Deno.test("tool id map: ids that sanitize alike get different ids", () => {
  const toolIds = buildToolIdMap({ ids: ["a.b", "a:b", "a/b"] });
  const mapped = ["a.b", "a:b", "a/b"].map((id) => toAnthropicToolId({ toolIds, id }));
  assert.strictEqual(new Set(mapped).size, 3);
});

Deno.test("tool id map: a rewrite never takes a caller's own id", () => {
  const squatted = toAnthropicToolId({ toolIds: buildToolIdMap({ ids: ["a.b"] }), id: "a.b" });
  const toolIds = buildToolIdMap({ ids: ["a.b", squatted] });
  const mapped = toAnthropicToolId({ toolIds, id: "a.b" });
  assert.notStrictEqual(mapped, squatted);
  assert.ok(SAFE.test(mapped));
  assert.strictEqual(toAnthropicToolId({ toolIds, id: squatted }), squatted);
  assert.strictEqual(toCallerToolId({ toolIds, id: mapped }), "a.b");
  assert.strictEqual(toCallerToolId({ toolIds, id: squatted }), squatted);
});

Deno.test("tool id map: ids Anthropic generated map back to themselves", () => {
  const toolIds = buildToolIdMap({ ids: ["x.1"] });
  assert.strictEqual(toCallerToolId({ toolIds, id: "toolu_01New" }), "toolu_01New");
});

Deno.test("tool id map: input array is not mutated", () => {
  withoutMutation(["z.9", "b.2", "call_a"], (ids) => buildToolIdMap({ ids }));
});

Deno.test("tool id map: isAnthropicSafeToolId", () => {
  assert.deepStrictEqual(
    ["call_a-1", "toolu_01X", "a.b", "", "a".repeat(65)].map(isAnthropicSafeToolId),
    [true, true, false, false, false],
  );
});
