// The shape of GET /api/summary: one home for it, read by dashboard-db.ts (which fills it) and by
// the browser modules (which draw it). Types only, so it costs nothing in the served script.
// Money and percentages are the database's exact numerics as text (never floats); counts are
// integers; days are 'YYYY-MM-DD'; times are 'YYYY-MM-DD HH24:MI:SS UTC'.

/** An exact numeric as the database printed it, e.g. "0.0012345" or "87.50". */
export type Decimal = string;

export interface RoutingStatus {
  enabled: boolean;
  rollout_percentage: number;
  force_model: string | null;
  force_provider: string | null;
  rollback_tripped_at: string | null;
  rollback_reason: string | null;
  rollback_cleared_at: string | null;
  auto_rollback_enabled: boolean;
  routing_active: boolean;
  baseline_model: string;
  updated_at: string;
  updated_by: string;
  /** Circuit state by provider, e.g. { "openai": "closed" }. */
  breakers: Record<string, string> | null;
}

/** public.routing_model_distribution_between: one row per chosen model, by calls. */
export interface DistributionRow {
  model: string;
  provider: string;
  calls: number;
  fallback_calls: number;
  executions: number;
  share_pct: Decimal | null;
  execution_share_pct: Decimal | null;
}

/** public.routing_cost_savings: one UTC day (the chart and the per-day table). */
export interface CostDay {
  day: string;
  calls: number;
  executions: number;
  actual_cost_usd: Decimal;
  baseline_cost_usd: Decimal;
  savings_usd: Decimal | null;
  savings_pct: Decimal | null;
  cost_per_execution_usd: Decimal | null;
}

/** public.routing_cost_savings_between: the whole period. */
export interface CostTotals {
  calls: number;
  executions: number;
  actual_cost_usd: Decimal;
  baseline_cost_usd: Decimal;
  savings_usd: Decimal;
  savings_pct: Decimal | null;
  cost_per_execution_usd: Decimal | null;
}

/** public.routing_success_rates_between, one model's row. */
export interface SuccessRow {
  model: string;
  provider: string;
  executions: number;
  succeeded: number;
  failed: number;
  success_rate: Decimal | null;
}

/** public.routing_success_rates_between, the overall row (model and provider null). */
export interface SuccessOverall {
  executions: number;
  succeeded: number;
  failed: number;
  success_rate: Decimal | null;
}

/** public.routing_cohort_comparison_between: one cohort over the period, percentiles of the whole period (latency buckets: within 2%). */
export interface CohortRow {
  cohort: string;
  executions: number;
  succeeded: number;
  success_rate: Decimal | null;
  calls: number;
  cost_usd: Decimal;
  baseline_cost_usd: Decimal;
  cost_per_execution_usd: Decimal | null;
  baseline_cost_per_execution_usd: Decimal | null;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  p50_duration_ms: number | null;
  p95_duration_ms: number | null;
}

/** public.routing_cohort_comparison: one cohort on one UTC day. */
export interface CohortDay {
  day: string;
  cohort: string;
  executions: number;
  success_rate: Decimal | null;
  cost_per_execution_usd: Decimal | null;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
}

/** public.routing_alerts: one rule's current state. */
export interface AlertRow {
  alert: string;
  state: string;
  value: Decimal | null;
  threshold: Decimal | null;
  window: string | null;
  since: string;
  comparator: string | null;
  sample: number;
  min_sample: number | null;
  action: string | null;
  message: string | null;
  evaluated_at: string | null;
}

/** routing.config_changes: who changed which switches. */
export interface ConfigChange {
  changed_at: string;
  changed_by: string;
  old_values: Record<string, unknown>;
  new_values: Record<string, unknown>;
}

export interface CatalogModel {
  model: string;
  provider: string;
}

/** What readSummary returns. */
export interface Summary {
  generated_at: string;
  days: number;
  since: string;
  status: RoutingStatus | null;
  distribution: DistributionRow[];
  cost: { days: CostDay[]; totals: CostTotals };
  success_by_model: SuccessRow[];
  success_overall: SuccessOverall;
  cohorts: CohortRow[];
  cohort_days: CohortDay[];
  alerts: AlertRow[];
  recent_changes: ConfigChange[];
  models: CatalogModel[];
}

/** Who is signed in, as the handler adds it to the summary. */
export interface Viewer {
  kind: string;
  name: string;
}

/** The body of a 200 from GET /api/summary. */
export type SummaryResponse = Summary & { viewer: Viewer };

/** The body of a 200 from POST /api/control. */
export interface ControlAnswer<R> {
  action: string;
  actor: string;
  result: R;
}
