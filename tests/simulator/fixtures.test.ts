// Recorded wire fixtures of the PROVIDER SIMULATOR (a test double): each rule the real APIs enforce
// is a scenario, fixtures/<scenario>.request.json (the request as it goes on the wire, with the
// documented source of the rule) and fixtures/<scenario>.response.json (the status and body the
// real API documents for it). Each request is sent raw to a fresh simulator, which must answer
// exactly the recorded response (OpenAI's `created` timestamp excepted, recorded as 0).
import assert from "node:assert/strict";
import { ANTHROPIC_TEST_KEY, OPENAI_TEST_KEY, withSimulator } from "./test-helpers.ts";

interface RequestFixture {
  scenario: string;
  provider: "openai" | "anthropic";
  source: string;
  headers?: Record<string, string>;
  body: unknown;
}

interface ResponseFixture {
  status: number;
  body: unknown;
}

const DIR = new URL("./fixtures/", import.meta.url);

async function readJson<T>(name: string): Promise<T> {
  return JSON.parse(await Deno.readTextFile(new URL(name, DIR))) as T;
}

const names = [...Deno.readDirSync(DIR)].map((entry) => entry.name).sort();
const scenarios = names.filter((n) => n.endsWith(".request.json")).map((n) => n.slice(0, -".request.json".length));

Deno.test("fixtures: every request has its recorded response, and nothing else is in the folder", () => {
  assert.ok(scenarios.length >= 20, "a fixture for each rule");
  assert.deepEqual(names, scenarios.flatMap((s) => [`${s}.request.json`, `${s}.response.json`]).sort());
});

for (const scenario of scenarios) {
  Deno.test(`fixture ${scenario}: the simulator answers what the real API documents`, () =>
    withSimulator(async (sim) => {
      const request = await readJson<RequestFixture>(`${scenario}.request.json`);
      const expected = await readJson<ResponseFixture>(`${scenario}.response.json`);
      assert.equal(request.scenario, scenario, "the file is named after its scenario");
      assert.ok(request.source.length > 0, "each rule names its source");
      const [url, headers] = request.provider === "openai"
        ? [`${sim.openaiBaseUrl}/chat/completions`, { authorization: `Bearer ${OPENAI_TEST_KEY}` }]
        : [`${sim.url}/v1/messages`, { "x-api-key": ANTHROPIC_TEST_KEY, "anthropic-version": "2023-06-01" }];
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers, ...request.headers },
        body: JSON.stringify(request.body),
      });
      const body = await response.json() as Record<string, unknown>;
      if (request.provider === "openai" && response.status === 200) {
        assert.equal(typeof body.created, "number");
        body.created = 0;
      }
      assert.deepEqual({ status: response.status, body }, expected);
      const id = request.provider === "openai" ? response.headers.get("x-request-id") : response.headers.get("request-id");
      assert.match(id ?? "", /^req_sim/, "the request id header is sent");
    }));
}
