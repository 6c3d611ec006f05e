import { deepStrictEqual } from "node:assert/strict";
import { isUuid, uuidParam } from "./ids.ts";
import { RouterHttpError } from "./openai-error.ts";

const ID = "5B0C1D52-8F3E-4A43-9A55-1F0E8C2D7A10";

function parse(value: unknown): unknown {
  try {
    return { id: uuidParam({ value, param: "agent_id" }) };
  } catch (error) {
    if (!(error instanceof RouterHttpError)) throw error;
    return { status: error.status, body: error.toBody() };
  }
}

const refused = { status: 400, body: { error: { message: "agent_id must be a UUID.", type: "invalid_request_error", param: "agent_id", code: "invalid_value" } } };

const rows: Array<[string, unknown, unknown]> = [
  ["a UUID comes back in lower case", ID, { id: ID.toLowerCase() }],
  ["a UUID with spaces around is refused (callers trim where they mean to)", ` ${ID} `, refused],
  ["a UUID without dashes is refused", ID.replaceAll("-", ""), refused],
  ["a number is refused", 42, refused],
  ["null is refused", null, refused],
];

for (const [name, value, expected] of rows) {
  Deno.test(`uuidParam: ${name}`, () => deepStrictEqual(parse(value), expected));
}

Deno.test("isUuid: strings of the UUID shape only", () => {
  deepStrictEqual([ID, ID.toLowerCase(), "abc", "", undefined, {}].map(isUuid), [true, true, false, false, false, false]);
});
