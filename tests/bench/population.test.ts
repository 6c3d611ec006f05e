// The population generator (bench/population.mjs) is pure: the same seed gives the same agents
// and the same outcomes, the misled shares are exact, the need mix and the score error are the
// ones asked for, and the success model judges models by rung, never by name.
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import {
  assignExecutions,
  callsOf,
  capabilityOf,
  DEFAULT_PARAMS,
  describePopulation,
  draw,
  executionCapability,
  executionSucceeds,
  generatePopulation,
  type Ladder,
  oracleModel,
  type PopulationParams,
  scoreRung,
  type SimAgent,
  successProbability,
  variedParams,
} from "../../bench/population.mjs";

const T = DEFAULT_PARAMS.thresholds;
// Made-up names: the success model must follow the ladder's rungs and prices, not known models.
const LADDER: Ladder = {
  low: "alpha", medium: "beta", high: "gamma", premium: "gamma", baseline: "gamma",
  outputPrice: { alpha: 0.6, beta: 1.25, gamma: 10, delta: 4, epsilon: 0.2 },
};

Deno.test("draw is a pure function of its keys, uniform in [0, 1), pinned to its values", () => {
  // Pinned: a change here silently changes every population and every benchmark figure.
  deepEqual([draw(1, 2, 3), draw(42, 10, 0, 0), draw(0)], [0.9095257360022515, 0.3397001682315022, 0.09012465178966522]);
  equal(draw(7, 10, 3, 5), draw(7, 10, 3, 5));
  ok(draw(7, 10, 3, 5) !== draw(7, 10, 5, 3), "the order of the indices matters");
  const xs = Array.from({ length: 20000 }, (_, i) => draw(9, 10, 0, i));
  ok(xs.every((x) => x >= 0 && x < 1), "every draw is in [0, 1)");
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  ok(Math.abs(mean - 0.5) < 0.01, `the mean of 20,000 draws is near 0.5 (${mean})`);
  for (let decile = 0; decile < 10; decile++) {
    const n = xs.filter((x) => Math.floor(x * 10) === decile).length;
    ok(Math.abs(n - 2000) < 200, `decile ${decile} holds about a tenth of the draws (${n})`);
  }
});

Deno.test("the same seed gives the same population, another seed another, and the parameters are not mutated", () => {
  const params = structuredClone({ ...DEFAULT_PARAMS }) as PopulationParams;
  const before = structuredClone(params);
  const a = generatePopulation({ seed: 5, params });
  deepEqual(generatePopulation({ seed: 5, params }), a);
  ok(JSON.stringify(generatePopulation({ seed: 6, params })) !== JSON.stringify(a), "seed 6 differs from seed 5");
  deepEqual(params, before);
  equal(a.length, 60);
  deepEqual(a.map((x) => x.index), Array.from({ length: 60 }, (_, i) => i));
  deepEqual([...new Set(a.map((x) => x.tenant))].sort(), [0, 1, 2, 3, 4, 5]);
});

Deno.test("the misled shares are exact and each misled score sits in the opposite band", () => {
  const cases: { agents: number; underShare: number; overShare: number; under: number; over: number }[] = [
    { agents: 60, underShare: 0.1, overShare: 0.1, under: 6, over: 6 },
    { agents: 40, underShare: 0.05, overShare: 0.15, under: 2, over: 6 },
    { agents: 10, underShare: 0, overShare: 0, under: 0, over: 0 },
    { agents: 10, underShare: 0.7, overShare: 0.7, under: 7, over: 3 }, // never more than the agents
  ];
  for (const c of cases) {
    for (const seed of [1, 2, 3]) {
      const agents = generatePopulation({ seed, params: { ...DEFAULT_PARAMS, ...c } });
      const d = describePopulation(agents, T);
      deepEqual([d.underestimated, d.overestimated], [c.under, c.over], `seed ${seed} ${JSON.stringify(c)}`);
      for (const a of agents.filter((x) => x.misled === "underestimated")) deepEqual([a.need, scoreRung(a.score, T)], [3, 1]);
      for (const a of agents.filter((x) => x.misled === "overestimated")) deepEqual([a.need, scoreRung(a.score, T)], [1, 3]);
    }
  }
  // Which agents are misled depends on the seed, not on their index.
  const misledIndexes = (seed: number) => generatePopulation({ seed }).filter((a) => a.misled).map((a) => a.index);
  ok(JSON.stringify(misledIndexes(1)) !== JSON.stringify(misledIndexes(2)));
});

Deno.test("the need mix and the score error are the ones asked for (5,000 agents)", () => {
  for (const scoreError of [0.5, 1.0, 1.5]) {
    const params: PopulationParams = { ...DEFAULT_PARAMS, agents: 5000, underShare: 0, overShare: 0, scoreError };
    const agents = generatePopulation({ seed: 11, params });
    const d = describePopulation(agents, T);
    ok(Math.abs(d.need.low / 5000 - 0.3) < 0.03 && Math.abs(d.need.medium / 5000 - 0.5) < 0.03 && Math.abs(d.need.high / 5000 - 0.2) < 0.03,
      `need mix near 30/50/20: ${JSON.stringify(d.need)}`);
    // Away from the clamps (0.1..9.9) the error is a normal of that size: its RMS is near it.
    const inner = agents.filter((a) => a.trueScore > 4 && a.trueScore < 6);
    const rms = Math.sqrt(inner.reduce((s, a) => s + (a.score - a.trueScore) ** 2, 0) / inner.length);
    ok(Math.abs(rms - scoreError) < 0.08 * scoreError + 0.01, `RMS error ${rms.toFixed(3)} near ${scoreError}`);
    for (const a of agents) {
      ok(a.score >= 0.1 && a.score <= 9.9, "scores stay on the 0..10 scale");
      equal(scoreRung(a.trueScore, T), a.need, "the true score lies in its need's band");
      ok(a.fitSuccess >= 0.99 && a.fitSuccess <= 0.995 && a.oneBelow >= 0.05 && a.oneBelow <= 0.3 && a.twoBelow >= 0.4 && a.twoBelow <= 0.7);
      ok(a.history >= 10 && a.history <= 49);
    }
    ok(d.scoreBelowNeed > 0 && d.scoreAboveNeed > 0, "the error alone misbands some agents both ways");
  }
});

Deno.test("success by capability against need: fit, one rung below, two below, and the cheap-failure cap", () => {
  const agent: SimAgent = {
    index: 0, tenant: 0, need: 3, trueScore: 8, score: 2, misled: "underestimated", fitSuccess: 0.99, oneBelow: 0.2, twoBelow: 0.5, history: 10,
  };
  const table: { capability: number; cheapFailure: number; p: number }[] = [
    { capability: 3, cheapFailure: 0, p: 0.99 },
    { capability: 2, cheapFailure: 0, p: 0.79 },
    { capability: 1, cheapFailure: 0, p: 0.49 },
    { capability: 0, cheapFailure: 0, p: 0.49 },
    { capability: 3, cheapFailure: 0.2, p: 0.99 },
    { capability: 2, cheapFailure: 0.2, p: 0.79 },
  ];
  const got = table.map(({ capability, cheapFailure }) => ({
    capability, cheapFailure, p: +successProbability({ agent, capability, params: { ...DEFAULT_PARAMS, cheapFailure } }).toFixed(6),
  }));
  deepEqual(got, table);
  const low = { ...agent, need: 1 as const };
  deepEqual([1, 2, 3].map((capability) => +successProbability({ agent: low, capability }).toFixed(6)), [0.99, 0.99, 0.99]);
  equal(+successProbability({ agent: low, capability: 1, params: { ...DEFAULT_PARAMS, cheapFailure: 0.2 } }).toFixed(6), 0.8);
});

Deno.test("outcomes are a pure function of (seed, agent, execution index) with the success model's frequency", () => {
  const [agent] = generatePopulation({ seed: 3, params: { ...DEFAULT_PARAMS, agents: 1, underShare: 1 } });
  const outcomes = (capability: number | null) =>
    Array.from({ length: 4000 }, (_, i) => executionSucceeds({ seed: 3, agent, executionIndex: i, capability }));
  deepEqual(outcomes(2), outcomes(2));
  deepEqual(outcomes(null).filter(Boolean).length, 0, "an execution nobody answered fails");
  for (const capability of [1, 2, 3]) {
    const rate = outcomes(capability).filter(Boolean).length / 4000;
    const p = successProbability({ agent, capability });
    ok(Math.abs(rate - p) < 0.03, `capability ${capability}: ${rate} near p = ${p.toFixed(3)}`);
  }
  // Paired draws: where the weaker model succeeds, the stronger one does too (same draw, higher p).
  const weak = outcomes(2);
  const strong = outcomes(3);
  ok(weak.every((s, i) => !s || strong[i]), "a success on the weaker rung is a success on the stronger");
});

Deno.test("assignments are precomputed: each agent its share, the same for the same seed", () => {
  const a = assignExecutions({ seed: 4, agents: 7, perAgent: 5 });
  deepEqual(a, assignExecutions({ seed: 4, agents: 7, perAgent: 5 }));
  deepEqual(Array.from({ length: 7 }, (_, k) => a.filter((x) => x === k).length), [5, 5, 5, 5, 5, 5, 5]);
  ok(JSON.stringify(a) !== JSON.stringify([...a].sort((x, y) => x - y)), "interleaved, not grouped by agent");
  const drawn = assignExecutions({ seed: 4, agents: 7, total: 300 });
  equal(drawn.length, 300);
  ok(drawn.every((x) => Number.isInteger(x) && x >= 0 && x < 7));
  deepEqual(new Set(drawn).size, 7);
  const calls = Array.from({ length: 500 }, (_, i) => callsOf({ seed: 4, executionIndex: i, min: 2, max: 5 }));
  deepEqual([...new Set(calls)].sort(), [2, 3, 4, 5]);
});

Deno.test("capability follows the ladder's rungs and prices, whatever the models are called", () => {
  const table: [string, number][] = [["alpha", 1], ["beta", 2], ["gamma", 3], ["delta", 2], ["epsilon", 0]];
  deepEqual(table.map(([m]) => [m, capabilityOf(m, LADDER)]), table);
  throws(() => capabilityOf("zeta", LADDER), /no price for zeta/);
  // A model on two rungs counts for the higher (a ladder whose medium is its low model).
  equal(capabilityOf("alpha", { ...LADDER, medium: "alpha" }), 2);
  equal(capabilityOf("beta", { ...LADDER, high: "beta" }), 3);
  equal(executionCapability(["gamma", "alpha", "beta"], LADDER), 1, "an execution counts for its weakest answering model");
  equal(executionCapability([], LADDER), null);
  const agent = generatePopulation({ seed: 1 })[0];
  deepEqual(([1, 2, 3] as const).map((need) => oracleModel({ ...agent, need }, LADDER)), ["alpha", "beta", "gamma"]);
});

Deno.test("varied parameters stay within their documented ranges and are pure in the seed", () => {
  for (let seed = 0; seed < 200; seed++) {
    const p = variedParams({ seed });
    deepEqual(variedParams({ seed }), p);
    ok(p.scoreError >= 0.4 && p.scoreError <= 1.6);
    ok(p.underShare >= 0.04 && p.underShare <= 0.16 && p.overShare >= 0.04 && p.overShare <= 0.16);
    ok(Math.abs(p.needMix[0] + p.needMix[1] + p.needMix[2] - 1) < 0.002 && p.needMix.every((x) => x > 0));
    ok(p.oneBelow[0] < p.oneBelow[1] && p.twoBelow[0] < p.twoBelow[1] && p.oneBelow[1] < p.twoBelow[1]);
    deepEqual([p.agents, p.tenants, p.fitSuccess, p.cheapFailure, p.thresholds], [60, 6, [0.99, 0.995], 0, T]);
  }
  ok(JSON.stringify(variedParams({ seed: 1 })) !== JSON.stringify(variedParams({ seed: 2 })));
});
