/// <reference lib="dom" />
// (The page's types also where `deno test` checks this module in a Deno program: see ../page-script.ts.)
// Browser side of the dashboard: drawing one summary into the page. Pure with respect to the
// dashboard's state: each function reads its part of the summary and rewrites its own nodes.
// Served as source by ../page-script.ts.
import type {
  AlertRow,
  CatalogModel,
  CohortDay,
  CohortRow,
  ConfigChange,
  CostDay,
  CostTotals,
  DistributionRow,
  RoutingStatus,
  SuccessOverall,
  SuccessRow,
  SummaryResponse,
  Viewer,
} from "../summary.ts";
import { type Bar, barList, type CostPoint, drawCostChart } from "./charts.ts";
import { $, byId, clear, el, tableBody } from "./dom.ts";
import { dayList, money, pct, plural, rateClass, rateMark, size, text } from "./format.ts";

export function render(s: SummaryResponse): void {
  renderStatus(s.status, s.viewer);
  renderCost(s.cost, s.since, s.days);
  renderDistribution(s.distribution);
  renderSuccess(s.success_by_model, s.success_overall);
  renderCohorts(s.cohorts, s.cohort_days);
  renderAlerts(s.alerts);
  renderChanges(s.recent_changes);
  renderModels(s.models);
}

export function setPill(status: RoutingStatus | null): void {
  const pill = $("status-pill");
  if (!status) {
    pill.className = "pill pill-unknown";
    pill.textContent = "Status unknown";
  } else if (status.rollback_tripped_at) {
    pill.className = "pill pill-tripped";
    pill.textContent = "ROLLED BACK (automatic trip)";
  } else if (status.enabled) {
    pill.className = "pill pill-on";
    pill.textContent = "ENABLED (" + status.rollout_percentage + "% rollout)" + (status.force_model ? ", forced " + status.force_model : "");
  } else {
    pill.className = "pill pill-off";
    pill.textContent = "DISABLED";
  }
}

export function renderStatus(st: RoutingStatus | null, viewer: Viewer | null): void {
  setPill(st);
  const dl = clear($("status-facts"));
  if (!st) {
    dl.appendChild(el("dd", null, "No routing.config row."));
    return;
  }
  const breakers = st.breakers;
  const circuits = breakers ? Object.keys(breakers).map((p) => p + " " + breakers[p]).join(", ") : "none";
  const rows: [string, string][] = [
    ["Routing", st.enabled ? "on" : "off"],
    ["Deciding by tier", st.routing_active ? "yes" : "no"],
    ["Rollout", st.rollout_percentage + "% of agents routed"],
    ["Forced model", text(st.force_model)],
    ["Rollback trip", st.rollback_tripped_at ? "tripped " + st.rollback_tripped_at : "not tripped"],
    ["Trip reason", text(st.rollback_reason)],
    ["Auto-rollback", st.auto_rollback_enabled === false ? "off (alerts only)" : "on"],
    ["Baseline model", st.baseline_model],
    ["Circuits", circuits],
    ["Last change", st.updated_at + " by " + st.updated_by],
    ["Signed in as", viewer ? viewer.name + " (" + viewer.kind + ")" : "?"],
  ];
  for (const [term, value] of rows) {
    dl.appendChild(el("dt", null, term));
    dl.appendChild(el("dd", null, value));
  }
  const toggle = $("toggle-routing");
  toggle.textContent = st.enabled ? "Turn routing off" : "Turn routing on";
  toggle.className = st.enabled ? "danger" : "";
  toggle.setAttribute("aria-pressed", st.enabled ? "true" : "false");
  const rollout = byId("rollout", HTMLInputElement);
  if (document.activeElement !== rollout) rollout.value = String(st.rollout_percentage);
  byId("clear-rollback", HTMLButtonElement).disabled = !st.rollback_tripped_at;
}

export function kpi(label: string, value: string, note: string | null): HTMLElement {
  return el("div", null, [el("dt", null, label), el("dd", { class: "num" }, [value, note ? el("small", null, note) : null])]);
}

export function renderCost(cost: { days: CostDay[]; totals: CostTotals }, since: string, days: number): void {
  const t = cost.totals;
  const k = clear($("cost-kpis"));
  k.appendChild(kpi("Without routing", money(t.baseline_cost_usd), "baseline"));
  k.appendChild(kpi("With routing", money(t.actual_cost_usd), "actual"));
  k.appendChild(kpi("Savings", money(t.savings_usd), t.savings_pct === null ? "no calls" : pct(t.savings_pct)));
  k.appendChild(kpi("Per execution", money(t.cost_per_execution_usd), plural(t.executions, "execution")));

  const byDay = new Map<string, CostPoint>(cost.days.map((d) => [d.day, d]));
  const list = dayList(since, days).map((day): CostPoint => byDay.get(day) ?? { day: day, actual_cost_usd: "0", baseline_cost_usd: "0" });
  drawCostChart($("cost-chart"), list);

  const body = clear(tableBody("cost-table"));
  const rows = cost.days.slice().reverse();
  if (rows.length === 0) body.appendChild(el("tr", null, el("td", { colspan: 8, class: "empty" }, "No calls in this period.")));
  for (const d of rows) {
    body.appendChild(el("tr", { "data-day": d.day }, [
      el("td", null, d.day),
      el("td", { class: "num" }, d.calls),
      el("td", { class: "num" }, d.executions),
      el("td", { class: "num" }, money(d.actual_cost_usd)),
      el("td", { class: "num" }, money(d.baseline_cost_usd)),
      el("td", { class: "num" }, money(d.savings_usd)),
      el("td", { class: "num" }, pct(d.savings_pct)),
      el("td", { class: "num" }, money(d.cost_per_execution_usd)),
    ]));
  }
}

export function renderDistribution(rows: DistributionRow[]): void {
  barList($("distribution"), rows.map((r): Bar => ({
    key: r.model,
    sub: r.provider,
    fraction: size(r.share_pct) / 100,
    value: pct(r.share_pct),
    detail: plural(r.calls, "call") + ", " + plural(r.executions, "execution"),
    title: r.model + ": " + plural(r.calls, "call") + " (" + pct(r.share_pct) + " of calls), " + plural(r.executions, "execution") +
      ", " + plural(r.fallback_calls, "fallback call"),
  })), { label: "Share of calls by chosen model", empty: "No calls in this period." });
}

export function renderSuccess(rows: SuccessRow[], overall: SuccessOverall | null): void {
  const all = rows.slice();
  if (rows.length > 1 && overall && overall.executions > 0) all.push({ ...overall, model: "Overall", provider: "all models" });
  barList($("success"), all.map((r): Bar => ({
    key: r.model,
    sub: r.provider,
    fraction: size(r.success_rate) / 100,
    cls: rateClass(r.success_rate),
    value: pct(r.success_rate) + rateMark(r.success_rate),
    detail: r.succeeded + "/" + r.executions + " succeeded",
    title: r.model + ": " + pct(r.success_rate) + " (" + r.succeeded + " of " + r.executions + " executions succeeded)",
  })), { label: "Success rate of executions by chosen model", empty: "No execution outcomes in this period." });
}

export function renderCohorts(rows: CohortRow[], days: CohortDay[]): void {
  let maxCost = 0;
  for (const r of rows) maxCost = Math.max(maxCost, size(r.cost_per_execution_usd), size(r.baseline_cost_per_execution_usd));
  const bars: Bar[] = [];
  for (const r of rows) {
    bars.push({
      key: r.cohort,
      sub: "success rate",
      fraction: size(r.success_rate) / 100,
      cls: rateClass(r.success_rate),
      value: pct(r.success_rate),
      detail: r.succeeded + "/" + r.executions + " succeeded",
      title: r.cohort + " success rate " + pct(r.success_rate),
    });
    bars.push({
      key: "",
      sub: "cost / execution",
      fraction: maxCost > 0 ? size(r.cost_per_execution_usd) / maxCost : 0,
      cls: "bar-actual",
      value: money(r.cost_per_execution_usd),
      detail: "baseline " + money(r.baseline_cost_per_execution_usd),
      title: r.cohort + " cost per execution " + money(r.cost_per_execution_usd),
    });
  }
  barList($("cohorts"), bars, { label: "Routed vs control: success rate and cost per execution", empty: "No execution outcomes in this period." });

  const body = clear(tableBody("cohort-table"));
  for (const r of rows) {
    body.appendChild(el("tr", null, [
      el("td", null, r.cohort),
      el("td", { class: "num" }, r.executions),
      el("td", { class: "num" }, pct(r.success_rate)),
      el("td", { class: "num" }, money(r.cost_per_execution_usd)),
      el("td", { class: "num" }, money(r.baseline_cost_per_execution_usd)),
    ]));
  }
  const dbody = clear(tableBody("cohort-days-table"));
  if (days.length === 0) dbody.appendChild(el("tr", null, el("td", { colspan: 6, class: "empty" }, "No execution outcomes in this period.")));
  for (const r of days.slice(0, 12)) {
    dbody.appendChild(el("tr", null, [
      el("td", null, r.day),
      el("td", null, r.cohort),
      el("td", { class: "num" }, r.executions),
      el("td", { class: "num" }, pct(r.success_rate)),
      el("td", { class: "num" }, text(r.p50_latency_ms)),
      el("td", { class: "num" }, text(r.p95_latency_ms)),
    ]));
  }
}

export function describeAlert(a: AlertRow): string {
  if (a.alert === "auto_rollback") return text(a.message);
  if (a.value === null) return "no sample yet (" + a.sample + "/" + text(a.min_sample) + " in " + text(a.window) + ")";
  return a.value + ", fires " + a.comparator + " " + a.threshold + " (sample " + a.sample + ", window " + text(a.window) + ")";
}

export function renderAlerts(rows: AlertRow[]): void {
  const ul = clear($("alerts"));
  if (rows.length === 0) ul.appendChild(el("li", { class: "empty" }, "No alerts defined."));
  for (const a of rows) {
    ul.appendChild(el("li", { class: a.state, title: a.state + " since " + a.since + (a.evaluated_at ? ", evaluated " + a.evaluated_at : "") }, [
      el("span", { class: "state" }, a.state === "firing" ? "FIRING" : "ok"),
      el("div", { class: "name" }, a.alert),
      el("div", { class: "detail" }, describeAlert(a)),
      a.state === "firing" ? el("div", { class: "detail" }, "since " + a.since) : null,
    ]));
  }
}

export function describeChange(c: ConfigChange): string {
  return Object.keys(c.new_values).map((key) =>
    key + " " + JSON.stringify(c.old_values[key]) + " \u2192 " + JSON.stringify(c.new_values[key])
  ).join("; ");
}

export function renderChanges(rows: ConfigChange[]): void {
  const ol = clear($("changes"));
  if (rows.length === 0) ol.appendChild(el("li", { class: "empty" }, "No changes yet."));
  for (const c of rows) ol.appendChild(el("li", null, [el("strong", null, c.changed_by), " " + c.changed_at + ": " + describeChange(c)]));
}

export function renderModels(models: CatalogModel[]): void {
  const select = byId("agent-preference", HTMLSelectElement);
  const chosen = select.value;
  // The first two options are the page's own ("router decides", "premium").
  while (select.options.length > 2) select.remove(2);
  for (const m of models) select.appendChild(el("option", { value: m.model }, m.model + " (" + m.provider + ")"));
  select.value = chosen;
}
