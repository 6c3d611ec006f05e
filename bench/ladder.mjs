// The ladder as the database holds it, for the success model (which judges models by their
// rung, never by name) and for the oracle.

/**
 * routing.config's ladder and every catalog model's output price in force now.
 * @param {import("postgres").Sql} sql
 * @returns {Promise<import("./population.mjs").Ladder & { thresholds: { low: number, medium: number } }>}
 */
export async function readLadder(sql) {
  const [cfg] = await sql`
    select low_model, medium_model, high_model, premium_model, baseline_model,
           low_threshold::float8 as low_threshold, medium_threshold::float8 as medium_threshold
    from routing.config`;
  const prices = await sql`
    select m.model, (routing.price_in_force(m.model, now())).output_per_mtok::float8 as output
    from routing.models m`;
  /** @type {Record<string, number>} */
  const outputPrice = {};
  for (const row of prices) if (row.output !== null) outputPrice[row.model] = row.output;
  return {
    low: cfg.low_model, medium: cfg.medium_model, high: cfg.high_model, premium: cfg.premium_model, baseline: cfg.baseline_model,
    outputPrice,
    thresholds: { low: cfg.low_threshold, medium: cfg.medium_threshold },
  };
}
