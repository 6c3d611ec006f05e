// The demo's agents: the population generator of bench/population.mjs (true need, a score with
// an error, some scores that mislead, a success model by model capability) given the demo's
// owners, fixed ids and names. Pure: the same seed gives the same agents.
import { DEFAULT_PARAMS, generatePopulation, scoreRung } from "../bench/population.mjs";

/** Demo owners: several teams, so the dashboard and RLS have more than one user to show. */
export const DEMO_USERS = [
  { id: "00000000-0000-4000-a000-00000000d001", email: "ops-team@demo.local", name: "Ops team" },
  { id: "00000000-0000-4000-a000-00000000d002", email: "sales-team@demo.local", name: "Sales team" },
  { id: "00000000-0000-4000-a000-00000000d003", email: "support-team@demo.local", name: "Support team" },
  { id: "00000000-0000-4000-a000-00000000d004", email: "finance-team@demo.local", name: "Finance team" },
];

/** @type {Readonly<Record<1 | 2 | 3, string>>} */
const BAND = { 1: "low", 2: "medium", 3: "high" };

/**
 * @typedef {import("../bench/population.mjs").SimAgent & {
 *   id: string, userId: string, name: string, tier: string
 * }} DemoAgent
 */

/**
 * The demo population: fixed ids per index (agents persist across runs with --keep-data), the
 * owner by the agent's tenant, and a name that says the band its score puts it in.
 * @param {{ seed: number, params?: import("../bench/population.mjs").PopulationParams }} input
 * @returns {DemoAgent[]}
 */
export function demoAgents({ seed, params = DEFAULT_PARAMS }) {
  return generatePopulation({ seed, params: { ...params, tenants: DEMO_USERS.length } }).map((agent) => {
    const tier = BAND[scoreRung(agent.score, params.thresholds)];
    return {
      ...agent,
      id: `00000000-0000-4000-d000-${String(agent.index + 1).padStart(12, "0")}`,
      userId: DEMO_USERS[agent.tenant].id,
      name: `Demo ${tier} agent ${agent.index + 1}`,
      tier,
    };
  });
}

/**
 * Parses "min-max" (fractions 0..1) for a penalty range; throws a readable error otherwise.
 * @param {string} name the option, for the message
 * @param {string} text
 * @returns {[number, number]}
 */
export function parseRange(name, text) {
  const m = /^\s*([0-9.]+)\s*-\s*([0-9.]+)\s*$/.exec(text);
  const lo = Number(m?.[1]);
  const hi = Number(m?.[2]);
  if (!m || !(lo >= 0 && hi <= 1 && lo <= hi)) throw new Error(`--${name} expects "min-max" with 0 <= min <= max <= 1, got "${text}"`);
  return [lo, hi];
}
