import { deepStrictEqual } from "node:assert/strict";
import { errorFields, redactSecrets } from "./log.ts";

const rows: Array<[string, string, string]> = [
  ["a connection string's password", "connect postgresql://postgres:s3cret@10.0.0.1:5432/db failed", "connect postgresql://***@10.0.0.1:5432/db failed"],
  ["a bare JWT", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig rejected", "token [jwt] rejected"],
  ["a bearer header", "sent Authorization: Bearer abc.def", "sent Authorization: Bearer ***"],
  ["an API key", "key sk-proj-abcdefgh1234 and sb_secret_0123456789ab", "key [key] and [key]"],
  ["a message without secrets stays as it is", "relation routing.calls does not exist", "relation routing.calls does not exist"],
];

for (const [name, text, expected] of rows) {
  Deno.test(`redactSecrets: ${name}`, () => deepStrictEqual(redactSecrets(text), expected));
}

Deno.test("errorFields: an Error's name and masked message; anything else its type", () => {
  deepStrictEqual(
    [errorFields(new RangeError("Bearer xyz")), errorFields("postgres://u:p@h/db"), errorFields(undefined)],
    [{ name: "RangeError", message: "Bearer ***" }, { name: "string", message: "postgres://***@h/db" }, { name: "undefined", message: "undefined" }],
  );
});
