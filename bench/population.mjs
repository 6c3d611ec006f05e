// The simulated population of the demo and of the economics benchmark: agents with a TRUE
// difficulty (the ladder rung they need) and an observed AIS score that carries an error, and a
// success model by model capability against that need. Pure functions only: every figure is a
// hash of (seed, stream, indices), never of a PRNG's call order, so an outcome depends on the
// seed, the agent and the execution index alone, whatever the concurrency or timing of a run.
//
// Rungs, by capability (never by model name): 1 = the config's low_model, 2 = medium_model,
// 3 = the top (high_model / premium_model / baseline_model). A model off the ladder counts as the
// highest rung whose model's output price it reaches (as costly as that rung's model, at least
// as capable); cheaper than every rung, 0.

/** @typedef {1 | 2 | 3} Rung */

/**
 * The generator's parameters. Shares are of the whole population.
 * @typedef {object} PopulationParams
 * @property {number} agents how many agents
 * @property {number} tenants how many owners the agents are spread over (agent i -> tenant i mod n)
 * @property {[number, number, number]} needMix shares of agents truly needing rung 1, 2, 3 (sum 1)
 * @property {number} scoreError standard deviation of the observed score's error, in score points
 * @property {number} underShare share badly underestimated: truly need rung 3, score in the low band
 * @property {number} overShare share overestimated: truly need rung 1, score in the high band
 * @property {[number, number]} fitSuccess a model at or above the need succeeds with p, per agent in this range
 * @property {[number, number]} oneBelow one rung below the need fails this much more often, per agent in this range
 * @property {[number, number]} twoBelow two or more rungs below, this much more often, per agent in this range
 * @property {number} cheapFailure below the top rung every model fails at least this often (0 = off; the degraded variant)
 * @property {{ low: number, medium: number }} thresholds the score bands' inclusive upper bounds (routing.config)
 */

/** @type {Readonly<PopulationParams>} */
export const DEFAULT_PARAMS = Object.freeze({
  agents: 60,
  tenants: 6,
  needMix: /** @type {[number, number, number]} */ ([0.3, 0.5, 0.2]),
  scoreError: 0.8,
  underShare: 0.1,
  overShare: 0.1,
  fitSuccess: /** @type {[number, number]} */ ([0.99, 0.995]),
  oneBelow: /** @type {[number, number]} */ ([0.05, 0.3]),
  twoBelow: /** @type {[number, number]} */ ([0.4, 0.7]),
  cheapFailure: 0,
  thresholds: { low: 3.9, medium: 6.9 },
});

/**
 * One simulated agent. `need` and the penalties are the truth the router never sees; `score` is
 * what the scoring system reports.
 * @typedef {object} SimAgent
 * @property {number} index
 * @property {number} tenant
 * @property {Rung} need the lowest rung that serves it well
 * @property {number} trueScore the score its need deserves
 * @property {number} score the observed AIS score (true score + error, or misleading), 2 decimals
 * @property {"underestimated" | "overestimated" | null} misled a score deliberately in the wrong band
 * @property {number} fitSuccess its success with a model at or above its need
 * @property {number} oneBelow extra failure one rung below its need
 * @property {number} twoBelow extra failure two or more rungs below
 * @property {number} history earlier executions on record (all succeeded), 10..49
 */

// Streams: one tag per purpose, so adding a draw never shifts another.
const STREAM = Object.freeze({
  misled: 1, need: 2, trueScore: 3, error1: 4, error2: 5, fit: 6, one: 7, two: 8, history: 9,
  outcome: 10, assign: 11, calls: 12, params: 13, order: 14,
});

/**
 * A uniform draw in [0, 1) that is a pure function of its integers (murmur3's finaliser over a
 * running mix), so any draw can be recomputed alone.
 * @param {number[]} keys seed, stream, then indices (whole numbers below 2^32)
 * @returns {number}
 */
export function draw(...keys) {
  let h = 0x9e3779b9;
  for (const key of keys) {
    let k = Math.imul(key >>> 0, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    h ^= k;
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/**
 * @param {number} u uniform in [0, 1)
 * @param {[number, number]} range
 */
const within = (u, [min, max]) => min + u * (max - min);

/** @param {number} x */
const round2 = (x) => Math.round(x * 100) / 100;

/**
 * The score band a rung's agents belong in, by the config's thresholds.
 * @param {Rung} rung
 * @param {{ low: number, medium: number }} t
 * @returns {[number, number]}
 */
function band(rung, t) {
  switch (rung) {
    case 1: return [0.5, t.low];
    case 2: return [t.low + 0.1, t.medium];
    case 3: return [t.medium + 0.1, 9.8];
    default: {
      /** @type {never} */
      const unreachable = rung;
      throw new Error(`no rung ${unreachable}`);
    }
  }
}

/**
 * A rung from a uniform draw and the need mix.
 * @param {number} u
 * @param {[number, number, number]} mix
 * @returns {Rung}
 */
function rungFromMix(u, mix) {
  const total = mix[0] + mix[1] + mix[2];
  if (u * total < mix[0]) return 1;
  if (u * total < mix[0] + mix[1]) return 2;
  return 3;
}

/**
 * The agents of a population: pure in (seed, params). Exactly round(share x agents) agents are
 * misled each way (the first ones of a seeded order), the rest draw their need from the mix and
 * their score from their need's band plus a normal error.
 * @param {{ seed: number, params?: PopulationParams }} input
 * @returns {SimAgent[]}
 */
export function generatePopulation({ seed, params = DEFAULT_PARAMS }) {
  const n = params.agents;
  const under = Math.round(params.underShare * n);
  const over = Math.min(n - under, Math.round(params.overShare * n));
  // A seeded order of the agents decides which are misled (not always the first indices).
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => draw(seed, STREAM.order, a) - draw(seed, STREAM.order, b) || a - b);
  /** @type {Map<number, "underestimated" | "overestimated">} */
  const misled = new Map();
  order.slice(0, under).forEach((i) => misled.set(i, "underestimated"));
  order.slice(under, under + over).forEach((i) => misled.set(i, "overestimated"));
  const t = params.thresholds;
  return Array.from({ length: n }, (_, index) => {
    const kind = misled.get(index) ?? null;
    /** @type {Rung} */
    const need = kind === "underestimated" ? 3 : kind === "overestimated" ? 1 : rungFromMix(draw(seed, STREAM.need, index), params.needMix);
    const trueScore = round2(within(draw(seed, STREAM.trueScore, index), band(need, t)));
    let score;
    if (kind === null) {
      // Box-Muller: a normal error of the given size, the result kept on the 0..10 scale.
      const u1 = Math.max(draw(seed, STREAM.error1, index), 1e-12);
      const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * draw(seed, STREAM.error2, index));
      score = round2(Math.min(9.9, Math.max(0.1, trueScore + z * params.scoreError)));
    } else {
      // The score says the opposite end: low band for an agent needing the top, high for one needing the bottom.
      score = round2(within(draw(seed, STREAM.error1, index), band(kind === "underestimated" ? 1 : 3, t)));
    }
    return {
      index,
      tenant: index % Math.max(1, params.tenants),
      need,
      trueScore,
      score,
      misled: kind,
      fitSuccess: within(draw(seed, STREAM.fit, index), params.fitSuccess),
      oneBelow: within(draw(seed, STREAM.one, index), params.oneBelow),
      twoBelow: within(draw(seed, STREAM.two, index), params.twoBelow),
      history: 10 + Math.floor(draw(seed, STREAM.history, index) * 40),
    };
  });
}

/**
 * The rung a score's band starts an agent on (what the score alone would route to).
 * @param {number} score
 * @param {{ low: number, medium: number }} t
 * @returns {Rung}
 */
export const scoreRung = (score, t) => (score <= t.low ? 1 : score <= t.medium ? 2 : 3);

/**
 * The chance an execution succeeds, by the capability of the weakest model that answered it.
 * @param {{ agent: SimAgent, capability: number, params?: PopulationParams }} input
 * @returns {number}
 */
export function successProbability({ agent, capability, params = DEFAULT_PARAMS }) {
  const gap = agent.need - capability;
  const p = gap <= 0 ? agent.fitSuccess : gap === 1 ? agent.fitSuccess - agent.oneBelow : agent.fitSuccess - agent.twoBelow;
  const capped = capability < 3 && params.cheapFailure > 0 ? Math.min(p, 1 - params.cheapFailure) : p;
  return Math.min(1, Math.max(0, capped));
}

/**
 * Whether an execution succeeds: its draw (seed, agent, execution index) against the success
 * probability. The same draw serves every run of the seed, so a routed run and its all-baseline
 * pair differ only where the model differs. No answer at all (the function failed) fails.
 * @param {{ seed: number, agent: SimAgent, executionIndex: number, capability: number | null, params?: PopulationParams }} input
 * @returns {boolean}
 */
export function executionSucceeds({ seed, agent, executionIndex, capability, params = DEFAULT_PARAMS }) {
  if (capability === null) return false;
  return draw(seed, STREAM.outcome, agent.index, executionIndex) < successProbability({ agent, capability, params });
}

/**
 * Which agent runs each execution: `perAgent` executions each, in a seeded interleaving (the
 * benchmark), or, with `total`, each execution's agent drawn alone (the demo). Precomputed, so
 * the assignment never depends on which worker is free.
 * @param {{ seed: number, agents: number, perAgent?: number, total?: number }} input
 * @returns {number[]} agent index by execution index
 */
export function assignExecutions({ seed, agents, perAgent, total }) {
  if (total !== undefined) {
    return Array.from({ length: total }, (_, i) => Math.floor(draw(seed, STREAM.assign, i) * agents));
  }
  const slots = Array.from({ length: agents * (perAgent ?? 0) }, (_, i) => i % agents);
  const keys = slots.map((_, i) => draw(seed, STREAM.assign, i));
  return slots.map((agent, i) => ({ agent, key: keys[i], i })).sort((a, b) => a.key - b.key || a.i - b.i).map((s) => s.agent);
}

/**
 * How many calls an execution makes: a pure draw in min..max.
 * @param {{ seed: number, executionIndex: number, min: number, max: number }} input
 */
export const callsOf = ({ seed, executionIndex, min, max }) =>
  min + Math.floor(draw(seed, STREAM.calls, executionIndex) * (max - min + 1));

/**
 * The ladder as the database holds it: the models of routing.config and each model's output
 * price in USD per million tokens (routing.price_in_force), for models off the ladder.
 * @typedef {object} Ladder
 * @property {string} low
 * @property {string} medium
 * @property {string} high
 * @property {string} premium
 * @property {string} baseline
 * @property {Record<string, number>} outputPrice
 */

/**
 * A model's capability rung on the ladder: 3 for high / premium / baseline, else 2 for medium,
 * 1 for low; off the ladder, the highest rung whose model's output price it reaches (0 below all).
 * @param {string} model
 * @param {Ladder} ladder
 * @returns {number}
 */
export function capabilityOf(model, ladder) {
  if (model === ladder.high || model === ladder.premium || model === ladder.baseline) return 3;
  if (model === ladder.medium) return 2;
  if (model === ladder.low) return 1;
  const price = ladder.outputPrice[model];
  if (price === undefined) throw new Error(`no price for ${model}: the ladder's prices come from routing.price_in_force`);
  /** @type {[number, string][]} */
  const rungs = [[3, ladder.premium], [3, ladder.high], [2, ladder.medium], [1, ladder.low]];
  for (const [rung, m] of rungs) if ((ladder.outputPrice[m] ?? Infinity) <= price) return rung;
  return 0;
}

/**
 * The oracle's model for an agent: the cheapest ladder model (by output price) whose capability
 * meets the agent's true need.
 * @param {SimAgent} agent
 * @param {Ladder} ladder
 * @returns {string}
 */
export function oracleModel(agent, ladder) {
  const candidates = [ladder.low, ladder.medium, ladder.high, ladder.premium]
    .filter((m) => capabilityOf(m, ladder) >= agent.need)
    .sort((a, b) => (ladder.outputPrice[a] ?? Infinity) - (ladder.outputPrice[b] ?? Infinity) || a.localeCompare(b));
  return candidates[0] ?? ladder.baseline;
}

/**
 * Parameters for populations the rules were not tuned on: each seed draws its own error size,
 * misled shares, need mix and penalties around the defaults (pure in the seed).
 * @param {{ seed: number, base?: PopulationParams }} input
 * @returns {PopulationParams}
 */
export function variedParams({ seed, base = DEFAULT_PARAMS }) {
  const u = (/** @type {number} */ k) => draw(seed, STREAM.params, k);
  const low = within(u(4), [0.2, 0.4]);
  const high = within(u(5), [0.12, 0.3]);
  const r3 = (/** @type {number} */ x) => Math.round(x * 1000) / 1000;
  return {
    ...base,
    scoreError: r3(within(u(1), [0.4, 1.6])),
    underShare: r3(within(u(2), [0.04, 0.16])),
    overShare: r3(within(u(3), [0.04, 0.16])),
    needMix: [r3(low), r3(1 - low - high), r3(high)],
    oneBelow: [r3(within(u(6), [0.03, 0.08])), r3(within(u(7), [0.2, 0.35]))],
    twoBelow: [r3(within(u(8), [0.3, 0.5])), r3(within(u(9), [0.6, 0.8]))],
  };
}

/**
 * Counts of a population, for its report line and the generator's test.
 * @param {SimAgent[]} agents
 * @param {{ low: number, medium: number }} thresholds
 */
export function describePopulation(agents, thresholds) {
  const count = (/** @type {(a: SimAgent) => boolean} */ f) => agents.filter(f).length;
  return {
    agents: agents.length,
    need: { low: count((a) => a.need === 1), medium: count((a) => a.need === 2), high: count((a) => a.need === 3) },
    underestimated: count((a) => a.misled === "underestimated"),
    overestimated: count((a) => a.misled === "overestimated"),
    // Every agent whose score's band is not its need's, misled on purpose or by the error.
    scoreBelowNeed: count((a) => scoreRung(a.score, thresholds) < a.need),
    scoreAboveNeed: count((a) => scoreRung(a.score, thresholds) > a.need),
  };
}

/**
 * The capability an execution counts for: its weakest answering model's (null: no answer).
 * @param {string[]} models the model that answered each call
 * @param {Ladder} ladder
 * @returns {number | null}
 */
export function executionCapability(models, ladder) {
  return models.length === 0 ? null : Math.min(...models.map((m) => capabilityOf(m, ladder)));
}
