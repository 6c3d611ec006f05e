// The demo's simulated agents and their success model: pure functions, seeded for repeatability.

/** Demo owners: two teams, so the dashboard and RLS have more than one user to show. */
export const DEMO_USERS = [
  { id: "00000000-0000-4000-a000-00000000d001", email: "ops-team@demo.local", name: "Ops team" },
  { id: "00000000-0000-4000-a000-00000000d002", email: "sales-team@demo.local", name: "Sales team" },
];

/** The plan's §10.2 population: 30% low, 50% medium, 20% high complexity. */
const TIER_MIX = [
  { tier: "low", share: 0.3, min: 0.5, max: 3.9 },
  { tier: "medium", share: 0.5, min: 4.0, max: 6.9 },
  { tier: "high", share: 0.2, min: 7.0, max: 9.8 },
];

/**
 * The default success model: the chance an execution succeeds, by the model that answered, when
 * the model fits the agent's complexity. Override with --success "gpt-5.6-luna=0.97,...". The current
 * defaults first (efficient gpt-5.6-luna, balanced claude-haiku-4-5, most capable gpt-5.6-sol), then
 * the plan's 2025 models (the plan-2025 preset).
 */
/** @type {Record<string, number>} */
export const DEFAULT_MODEL_SUCCESS = {
  "gpt-5.6-sol": 0.995, "claude-haiku-4-5": 0.99, "gpt-5.6-luna": 0.99,
  "gpt-4o": 0.995, "claude-3-5-haiku": 0.993, "claude-3-haiku": 0.99, "gpt-4o-mini": 0.99, "gpt-3.5-turbo": 0.95,
};
/** A model below the agent's complexity fails this much more often: the risk routing must avoid. */
export const DEFAULT_UNDERPOWERED_PENALTY = 0.15;
/** @type {Record<string, number>} */
const MODEL_CEILING = {
  "gpt-5.6-luna": 3.9, "claude-haiku-4-5": 6.9,
  "gpt-4o-mini": 3.9, "gpt-3.5-turbo": 3.9, "claude-3-haiku": 6.9, "claude-3-5-haiku": 8.0,
};

/**
 * Small seeded PRNG (mulberry32), so a demo run can be repeated with --seed.
 * @param {number} seed
 * @returns {() => number} uniform in [0, 1)
 */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @typedef {object} DemoAgent
 * @property {string} id
 * @property {string} userId
 * @property {string} name
 * @property {string} tier
 * @property {number} score complexity score
 * @property {number} history prior executions on record
 */

/**
 * Fixed ids per index, so agents (and their track record) persist across demo runs.
 * @param {number} count
 * @param {() => number} random
 * @returns {DemoAgent[]}
 */
export function demoAgents(count, random) {
  /** @type {DemoAgent[]} */
  const agents = [];
  let index = 0;
  for (const band of TIER_MIX) {
    const n = band === TIER_MIX[TIER_MIX.length - 1] ? count - agents.length : Math.round(count * band.share);
    for (let i = 0; i < n; i++, index++) {
      const score = Math.round((band.min + random() * (band.max - band.min)) * 100) / 100;
      agents.push({
        id: `00000000-0000-4000-d000-${String(index + 1).padStart(12, "0")}`,
        userId: DEMO_USERS[index % DEMO_USERS.length].id,
        name: `Demo ${band.tier} agent ${index + 1}`,
        tier: band.tier,
        score,
        history: 10 + Math.floor(random() * 40),
      });
    }
  }
  return agents;
}

/**
 * Parses "model=p,model=p" over the defaults; throws a readable error on bad input.
 * @param {string | undefined} text
 * @returns {Record<string, number>}
 */
export function parseSuccessModel(text) {
  const success = { ...DEFAULT_MODEL_SUCCESS };
  for (const pair of (text ?? "").split(",").map((p) => p.trim()).filter(Boolean)) {
    const [model, raw] = pair.split("=");
    const p = Number(raw);
    if (!model || !(p >= 0 && p <= 1)) throw new Error(`--success expects model=probability pairs (0..1), got "${pair}"`);
    success[model.trim()] = p;
  }
  return success;
}

/**
 * @param {{ model: string | null, score: number, random: () => number, success?: Record<string, number>, penalty?: number }} input
 * @returns {boolean}
 */
export function executionSucceeds({ model, score, random, success = DEFAULT_MODEL_SUCCESS, penalty = DEFAULT_UNDERPOWERED_PENALTY }) {
  if (!model) return false;
  const base = success[model] ?? 0.95;
  const underpowered = score > (MODEL_CEILING[model] ?? 10) ? penalty : 0;
  return random() < base - underpowered;
}
