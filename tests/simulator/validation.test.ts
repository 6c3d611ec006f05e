// Unit tests of the PROVIDER SIMULATOR's (a test double's) request validation: each rule that
// proves a translated conversation valid on the wire, called directly (no server needed).
import assert from "node:assert/strict";
import { validateAnthropicRequest } from "./validate-anthropic.ts";
import { validateOpenAIRequest } from "./validate-openai.ts";

const V = "2026-10-21";
const user = (content: unknown) => ({ role: "user", content });
const assistant = (content: unknown) => ({ role: "assistant", content });
const toolUse = (id: string) => ({ type: "tool_use", id, name: "get_weather", input: { city: "x" } });
const toolResult = (id: string) => ({ type: "tool_result", tool_use_id: id, content: "sunny" });
const claude = (messages: unknown[], extra: Record<string, unknown> = {}) => ({ model: "claude-haiku-4-5", max_tokens: 5, messages, ...extra });

Deno.test("anthropic validation: accepts a well-formed tool conversation", () => {
  const body = claude(
    [user("Weather?"), assistant([{ type: "text", text: "Checking." }, toolUse("toolu_1"), toolUse("toolu_2")]),
      user([toolResult("toolu_2"), toolResult("toolu_1"), { type: "text", text: "thanks" }])],
    {
      system: [{ type: "text", text: "Be brief." }],
      tools: [{ name: "get_weather", input_schema: { type: "object" } }, { type: "web_search_20250305", name: "web_search" }],
      tool_choice: { type: "auto", disable_parallel_tool_use: true },
      metadata: { user_id: "u1" },
      stop_sequences: ["END"],
    },
  );
  assert.equal(validateAnthropicRequest(body, V), null);
  const pdf = { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" }, title: "t" };
  const structured = claude([user([pdf, { type: "document", source: { type: "text", media_type: "text/plain", data: "x" } }])], {
    output_config: { effort: "low", format: { type: "json_schema", schema: { type: "object" } } },
    tools: [{ name: "f", input_schema: { type: "object", properties: { a: { anyOf: [{ type: "string" }, { type: "null" }] } } } }],
  });
  assert.equal(validateAnthropicRequest(structured, V), null, "nested combinators, documents and output_config are fine");
});

Deno.test("anthropic validation: rejects what the real API rejects", () => {
  const cases: [string, unknown, RegExp][] = [
    ["no max_tokens", { model: "m", messages: [user("hi")] }, /^max_tokens: Field required$/],
    ["no model", { max_tokens: 5, messages: [user("hi")] }, /^model: Field required$/],
    ["no messages", { model: "m", max_tokens: 5 }, /^messages: Field required$/],
    ["first message assistant", claude([assistant("hi"), user("hi")]), /first message must use the "user" role/],
    ["roles not alternating", claude([user("a"), user("b")]), /roles must alternate.*multiple "user" roles/],
    ["system role in messages", claude([{ role: "system", content: "x" }, user("hi")]), /top-level `system` parameter/],
    ["OpenAI field on a message", claude([{ role: "user", content: "hi", name: "bob" }]), /^messages\.0\.name: Extra inputs are not permitted$/],
    ["OpenAI field at top level", claude([user("hi")], { n: 2 }), /^n: Extra inputs are not permitted$/],
    ["empty text block", claude([user([{ type: "text", text: "" }])]), /text content blocks must be non-empty/],
    ["whitespace text block", claude([user([{ type: "text", text: "  " }])]), /non-whitespace/],
    ["empty content", claude([user(""), assistant("a")]), /non-empty content/],
    ["empty system block", claude([user("hi")], { system: [{ type: "text", text: "" }] }), /^system: text content blocks must be non-empty$/],
    ["bad tool_use id", claude([user("a"), assistant([toolUse("call:1")]), user([toolResult("call_1")])]), /tool_use\.id: String should match pattern/],
    ["bad tool_result id", claude([user([toolResult("x.y")])]), /tool_use_id: String should match pattern/],
    ["tool_result without tool_use", claude([user("a"), assistant("b"), user([toolResult("toolu_9")])]), /unexpected `tool_use_id`.*toolu_9/],
    ["tool_result two turns late", claude([user("a"), assistant([toolUse("t1")]), user([toolResult("t1")]), assistant("ok"), user([toolResult("t1")])]), /unexpected `tool_use_id`/],
    ["tool_use left unanswered", claude([user("a"), assistant([toolUse("t1"), toolUse("t2")]), user([toolResult("t1")])]), /^messages\.1: `tool_use` ids were found without `tool_result` blocks immediately after: t2/],
    ["text before tool_result", claude([user("a"), assistant([toolUse("t1")]), user([{ type: "text", text: "x" }, toolResult("t1")])]), /must come before any other content/],
    ["duplicate tool_use ids", claude([user("a"), assistant([toolUse("t1"), toolUse("t1")])]), /ids must be unique/],
    ["tool_use in a user turn", claude([user([toolUse("t1")])]), /can only be in `assistant` messages/],
    ["OpenAI image_url block", claude([user([{ type: "image_url", image_url: { url: "http://x" } }])]), /Input tag 'image_url'/],
    ["bad image media type", claude([user([{ type: "image", source: { type: "base64", media_type: "image/bmp", data: "AA" } }])]), /media_type/],
    ["tool_use input not an object", claude([user("a"), assistant([{ ...toolUse("t1"), input: "{}" }])]), /valid dictionary/],
    ["OpenAI-shaped tool", claude([user("a")], { tools: [{ type: "function", function: { name: "f" } }] }), /^tools\.0: Input tag 'function'/],
    ["tool without input_schema", claude([user("a")], { tools: [{ name: "f" }] }), /input_schema: Field required/],
    ["tool_choice names a missing tool", claude([user("a")], { tools: [{ name: "f", input_schema: { type: "object" } }], tool_choice: { type: "tool", name: "g" } }), /not found/],
    ["none with disable_parallel_tool_use", claude([user("a")], { tools: [{ name: "f", input_schema: { type: "object" } }], tool_choice: { type: "none", disable_parallel_tool_use: true } }), /tool_choice\.none\.disable_parallel_tool_use: Extra inputs/],
    ["metadata beyond user_id", claude([user("a")], { metadata: { user_id: "u", tag: "x" } }), /^metadata\.tag: Extra inputs are not permitted$/],
    ["a prefill ending in whitespace", claude([user("a"), assistant("The answer is ")]), /^messages: final assistant content cannot end with trailing whitespace$/],
    ["an email address as metadata.user_id", claude([user("a")], { metadata: { user_id: "alice@example.com" } }), /^metadata\.user_id: user_id appears to contain an email address$/],
    ["a metadata.user_id over 256 characters", claude([user("a")], { metadata: { user_id: "u".repeat(257) } }), /^metadata\.user_id: String should have at most 256/],
    ["PNG bytes declared image/jpeg", claude([user([{ type: "image", source: { type: "base64", media_type: "image/jpeg", data: "iVBORw0KGgoAAAANSUhEUg==" } }])]), /Image does not match the provided media type image\/jpeg$/],
    ["top_p on 2026-10-21", claude([user("a")], { top_p: 0.9 }), /^top_p: Extra inputs are not permitted$/],
    ["user citations on 2026-10-21", claude([user([{ type: "text", text: "a", citations: [{ type: "char_location" }] }])]), /citations are not allowed/],
    ["document in assistant on 2026-10-21", claude([user("a"), assistant([{ type: "document", source: {} }])]), /`document` blocks are not allowed/],
    ["OpenAI file part as a block", claude([user([{ type: "file", file: { file_data: "data:application/pdf;base64,AA" } }])]), /^messages\.0\.content\.0: Input tag 'file'/],
    ["document without a source", claude([user([{ type: "document" }])]), /^messages\.0\.content\.0\.document\.source: Field required$/],
    ["document with an unknown source", claude([user([{ type: "document", source: { type: "path", path: "/x.pdf" } }])]), /document\.source: Input tag 'path'/],
    ["document PDF without data", claude([user([{ type: "document", source: { type: "base64", media_type: "application/pdf" } }])]), /document\.source\.base64\.data: Field required$/],
    ["text document not text/plain", claude([user([{ type: "document", source: { type: "text", media_type: "text/html", data: "<p>" } }])]), /text\.media_type: Input should be 'text\/plain'/],
    ["top-level oneOf in a tool schema", claude([user("a")], { tools: [{ name: "f", input_schema: { type: "object", oneOf: [] } }] }), /^tools\.0\.custom\.input_schema: input_schema does not support oneOf, allOf, or anyOf at the top level$/],
    ["top-level allOf without a type", claude([user("a")], { tools: [{ name: "f", input_schema: { allOf: [] } }] }), /does not support oneOf, allOf, or anyOf/],
    ["output_config with an OpenAI response_format", claude([user("a")], { output_config: { format: { type: "json_object" } } }), /^output_config\.format\.type: Input should be 'json_schema'$/],
    ["output_config format without schema", claude([user("a")], { output_config: { format: { type: "json_schema" } } }), /^output_config\.format\.schema: Field required$/],
    ["output_config with a stray field", claude([user("a")], { output_config: { strict: true } }), /^output_config\.strict: Extra inputs are not permitted$/],
    ["output_config effort unknown", claude([user("a")], { output_config: { effort: "extreme" } }), /^output_config\.effort: Input should be/],
  ];
  for (const [name, body, expected] of cases) {
    const message = validateAnthropicRequest(body, V);
    assert.ok(message !== null, `${name}: expected a 400`);
    assert.match(message, expected, name);
  }
});

Deno.test("anthropic validation: 2023-06-01 accepts sampling parameters within range", () => {
  assert.equal(validateAnthropicRequest(claude([user("a")], { temperature: 0, top_p: 1, top_k: 5 }), "2023-06-01"), null);
  assert.match(validateAnthropicRequest(claude([user("a")], { temperature: 1.2 }), "2023-06-01") ?? "", /^temperature:/);
  assert.match(validateAnthropicRequest(claude([user("a")], { temperature: 0.2 }), V) ?? "", /^temperature: Extra inputs/);
});

const gpt = (messages: unknown[], extra: Record<string, unknown> = {}) => ({ model: "gpt-4o", messages, ...extra });
const callMsg = (...ids: string[]) => ({
  role: "assistant",
  content: null,
  tool_calls: ids.map((id) => ({ id, type: "function", function: { name: "f", arguments: "{}" } })),
});
const toolMsg = (id: string) => ({ role: "tool", tool_call_id: id, content: "ok" });

Deno.test("openai validation: accepts tool rounds with any id format", () => {
  const body = gpt([{ role: "system", content: "s" }, { role: "user", content: "u" }, callMsg("call.1:x", "c2"), toolMsg("c2"), toolMsg("call.1:x"), { role: "user", content: "more" }], {
    tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
    tool_choice: "auto",
  });
  assert.equal(validateOpenAIRequest(body), null);
});

Deno.test("openai validation: rejects what the real API rejects", () => {
  const cases: [string, unknown, RegExp, string | null][] = [
    ["no model", { messages: [] }, /you must provide a model parameter/, null],
    ["empty messages", gpt([]), /empty array/, "messages"],
    ["unknown role", gpt([{ role: "robot", content: "x" }]), /Invalid value: 'robot'/, "messages[0].role"],
    ["orphan tool message", gpt([{ role: "user", content: "u" }, toolMsg("c1")]), /preceeding message with 'tool_calls'/, "messages.[1].role"],
    ["tool message after a user turn", gpt([{ role: "user", content: "u" }, callMsg("c1"), { role: "user", content: "x" }, toolMsg("c1")]), /did not have response messages: c1/, "messages.[1].role"],
    ["unknown tool_call_id", gpt([{ role: "user", content: "u" }, callMsg("c1"), toolMsg("c2")]), /'c2' not found in 'tool_calls'/, "messages.[2].tool_call_id"],
    ["unanswered at the end", gpt([{ role: "user", content: "u" }, callMsg("c1", "c2"), toolMsg("c1")]), /did not have response messages: c2/, "messages.[1].role"],
    ["arguments as an object", gpt([{ role: "user", content: "u" }, { role: "assistant", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: {} } }] }]), /expected a string/, "messages[1].tool_calls[0].function.arguments"],
    ["tool without tool_call_id", gpt([{ role: "user", content: "u" }, { role: "tool", content: "x" }]), /tool_call_id/, "messages[1].tool_call_id"],
    ["bad tool name", gpt([{ role: "user", content: "u" }], { tools: [{ type: "function", function: { name: "a b" } }] }), /does not match pattern/, "tools[0].function.name"],
    ["tool_choice without tools", gpt([{ role: "user", content: "u" }], { tool_choice: "auto" }), /only allowed when 'tools'/, "tool_choice"],
    ["a parameter the API does not have", gpt([{ role: "user", content: "u" }], { top_k: 40 }), /^Unrecognized request argument supplied: top_k$/, null],
    ["the router's own agent_id", gpt([{ role: "user", content: "u" }], { agent_id: "a" }), /^Unrecognized request argument supplied: agent_id$/, null],
    ["an unknown reasoning_effort", gpt([{ role: "user", content: "u" }], { reasoning_effort: "bogus" }), /^Invalid value: 'bogus'\. Supported values are: 'none', /, "reasoning_effort"],
  ];
  for (const [name, body, expected, param] of cases) {
    const invalid = validateOpenAIRequest(body);
    assert.ok(invalid !== null, `${name}: expected a 400`);
    assert.match(invalid.message, expected, name);
    assert.equal(invalid.param, param, name);
  }
});
