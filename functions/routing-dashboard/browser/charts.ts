/// <reference lib="dom" />
// (The page's types also where `deno test` checks this module in a Deno program: see ../page-script.ts.)
// Browser side of the dashboard: the two inline-SVG charts (cost per day, horizontal bars).
// Labels are the database's strings; the numbers only size the bars. Served as source by
// ../page-script.ts.
import type { Decimal } from "../summary.ts";
import { clear, el, sv } from "./dom.ts";
import { money, size } from "./format.ts";

/** One day of the cost chart (a day without calls is drawn as zeros). */
export interface CostPoint {
  day: string;
  actual_cost_usd: Decimal;
  baseline_cost_usd: Decimal;
}

/** One bar of a bar list. */
export interface Bar {
  key: string;
  sub?: string | null;
  /** 0..1 of the track. */
  fraction: number;
  cls?: string;
  value: string;
  detail?: string | null;
  title: string;
}

export interface BarListOptions {
  label: string;
  empty: string;
}

export function drawCostChart(holder: HTMLElement, list: CostPoint[]): void {
  clear(holder);
  const W = 560, H = 200, left = 8, right = 8, top = 18, bottom = 24;
  let max = 0;
  let maxText: Decimal = "0";
  for (const d of list) {
    if (size(d.baseline_cost_usd) > max) {
      max = size(d.baseline_cost_usd);
      maxText = d.baseline_cost_usd;
    }
    if (size(d.actual_cost_usd) > max) {
      max = size(d.actual_cost_usd);
      maxText = d.actual_cost_usd;
    }
  }
  const label = "Cost per day, actual vs baseline, " + list.length + " days; highest " + money(maxText);
  const svg = sv("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": label });
  const plotH = H - top - bottom, plotW = W - left - right;
  svg.appendChild(sv("line", { class: "grid-line", x1: left, x2: W - right, y1: top, y2: top }));
  svg.appendChild(sv("text", { x: left, y: top - 5 }, "max " + money(maxText)));
  svg.appendChild(sv("line", { class: "axis", x1: left, x2: W - right, y1: top + plotH, y2: top + plotH }));
  const slot = plotW / Math.max(list.length, 1);
  const barW = Math.max(Math.min(slot * 0.36, 28), 1.5);
  const every = Math.ceil(list.length / 10);
  list.forEach((d, i) => {
    const x = left + i * slot + slot / 2;
    const hb = max > 0 ? size(d.baseline_cost_usd) / max * plotH : 0;
    const ha = max > 0 ? size(d.actual_cost_usd) / max * plotH : 0;
    const b = sv("rect", { class: "bar-baseline", x: x - barW - 1, y: top + plotH - hb, width: barW, height: hb });
    b.appendChild(sv("title", null, d.day + " baseline " + money(d.baseline_cost_usd)));
    const a = sv("rect", { class: "bar-actual", x: x + 1, y: top + plotH - ha, width: barW, height: ha });
    a.appendChild(sv("title", null, d.day + " actual " + money(d.actual_cost_usd)));
    svg.appendChild(b);
    svg.appendChild(a);
    if (i % every === 0) svg.appendChild(sv("text", { x: x, y: H - 8, "text-anchor": "middle" }, d.day.slice(5)));
  });
  holder.appendChild(svg);
}

export function barList(holder: HTMLElement, rows: Bar[], opts: BarListOptions): void {
  clear(holder);
  if (rows.length === 0) {
    holder.appendChild(el("p", { class: "empty" }, opts.empty));
    return;
  }
  const rowH = 38, W = 380, labelW = 112, valueW = 140;
  const H = rows.length * rowH + 4;
  const svg = sv("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": opts.label });
  const barMax = W - labelW - valueW - 8;
  rows.forEach((r, i) => {
    const y = i * rowH + 4;
    const g = sv("g", { "data-model": r.key });
    g.appendChild(sv("title", null, r.title));
    g.appendChild(sv("text", { class: "label", x: 0, y: y + 14 }, r.key));
    if (r.sub) g.appendChild(sv("text", { x: 0, y: y + 29 }, r.sub));
    g.appendChild(sv("rect", { class: "bar-track", x: labelW, y: y + 3, width: barMax, height: 16, rx: 3 }));
    const width = Math.max(r.fraction * barMax, r.fraction > 0 ? 2 : 0);
    g.appendChild(sv("rect", { class: r.cls || "bar-actual", x: labelW, y: y + 3, width: width, height: 16, rx: 3 }));
    g.appendChild(sv("text", { class: "label", x: labelW + barMax + 8, y: y + 14 }, r.value));
    if (r.detail) g.appendChild(sv("text", { x: labelW + barMax + 8, y: y + 29 }, r.detail));
    svg.appendChild(g);
  });
  holder.appendChild(svg);
}
