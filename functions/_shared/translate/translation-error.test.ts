import assert from "node:assert/strict";
import { MalformedResponseError, TranslationError } from "./translation-error.ts";

Deno.test("TranslationError: defaults to invalid_value and names the field", () => {
  const error = new TranslationError({ param: "n", message: "n must be 1" });
  assert.ok(error instanceof Error);
  assert.deepStrictEqual(
    { name: error.name, message: error.message, param: error.param, code: error.code },
    { name: "TranslationError", message: "n must be 1", param: "n", code: "invalid_value" },
  );
});

Deno.test("MalformedResponseError: carries the path and is not a TranslationError", () => {
  const error = new MalformedResponseError({ path: "content", message: "bad" });
  assert.deepStrictEqual({ name: error.name, path: error.path, isTranslation: error instanceof TranslationError }, {
    name: "MalformedResponseError",
    path: "content",
    isTranslation: false,
  });
});
