// The dashboard's CSS: laid out for 1280x800 and up, one column below 900 px.
export const PAGE_STYLE = `
:root {
  --bg: #f4f6f9; --card: #ffffff; --ink: #1b2430; --muted: #5b6675; --line: #d9dee6;
  --accent: #1f6feb; --baseline: #9aa4b2; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e;
  --focus: #0b57d0;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  font-size: 14px; color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
h1 { font-size: 20px; margin: 0; }
h2 { font-size: 15px; margin: 0 0 10px; text-transform: uppercase; letter-spacing: .04em; color: #2f3b4c; }
h3 { font-size: 13px; margin: 14px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
code { font-size: 12px; background: #eef1f5; padding: 1px 4px; border-radius: 3px; }
.topbar { display: flex; align-items: center; gap: 16px; padding: 10px 20px; background: #0f1b2d; color: #fff; flex-wrap: wrap; }
.topbar-right { margin-left: auto; display: flex; align-items: center; gap: 8px; }
.topbar label { color: #c9d3e0; }
.topbar .muted { color: #c9d3e0; }
.pill { margin: 0; padding: 4px 12px; border-radius: 999px; font-weight: 600; font-size: 13px; }
.pill-on { background: #d3f5dc; color: #0d4a1f; }
.pill-off { background: #e6e9ee; color: #2f3b4c; }
.pill-tripped { background: #ffd8d3; color: #82071e; }
.pill-unknown { background: #e6e9ee; color: #2f3b4c; }
main { padding: 14px 20px 30px; }
.grid { display: grid; grid-template-columns: repeat(12, minmax(0, 1fr)); gap: 14px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; min-width: 0; }
.span-3 { grid-column: span 3; } .span-4 { grid-column: span 4; } .span-5 { grid-column: span 5; }
.span-6 { grid-column: span 6; } .span-8 { grid-column: span 8; }
.rows-2 { grid-row: span 2; }
@media (max-width: 900px) { .span-3, .span-4, .span-5, .span-6, .span-8 { grid-column: 1 / -1; } .rows-2 { grid-row: auto; } }
.signin { max-width: 560px; margin: 40px auto; }
.signin form { display: grid; gap: 8px; margin-top: 12px; }
label { font-weight: 600; font-size: 13px; }
input, select, button { font: inherit; }
input, select { padding: 5px 8px; border: 1px solid #aab3c0; border-radius: 5px; background: #fff; color: var(--ink); min-width: 0; }
button { padding: 6px 12px; border-radius: 5px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; font-weight: 600; }
button.secondary { background: transparent; color: inherit; border-color: #7d8a9c; }
button.danger { background: var(--bad); border-color: var(--bad); }
button:disabled { opacity: .5; cursor: not-allowed; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.error { color: var(--bad); min-height: 1.2em; }
.message { min-height: 1.4em; margin: 0 0 10px; font-weight: 600; }
.message.ok { color: var(--ok); } .message.bad { color: var(--bad); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.control-row { display: flex; align-items: center; gap: 8px; margin: 8px 0; flex-wrap: wrap; }
.control-row input[type=number] { width: 80px; }
.control-row input[type=text] { flex: 1; }
.control-grid { display: grid; grid-template-columns: max-content 1fr; gap: 6px 8px; align-items: center; margin-top: 10px; }
.kpis { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 8px; margin: 0 0 8px; }
.kpis div { background: #f6f8fb; border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; min-width: 0; }
.kpis dt { color: var(--muted); font-size: 12px; }
.kpis dd { margin: 2px 0 0; font-size: 15px; font-weight: 700; overflow-wrap: anywhere; }
.kpis dd small { display: block; font-size: 12px; font-weight: 600; color: var(--muted); }
figure { margin: 0; }
.chart svg { width: 100%; height: auto; display: block; }
.chart text { font-size: 12px; fill: #2f3b4c; }
.chart .label { font-size: 13px; font-weight: 600; }
.chart .axis { stroke: #b8c0cc; stroke-width: 1; }
.chart .grid-line { stroke: #eceff3; stroke-width: 1; }
.bar-actual { fill: var(--accent); } .bar-baseline { fill: var(--baseline); }
.bar-ok { fill: var(--ok); } .bar-warn { fill: #bf8700; } .bar-bad { fill: var(--bad); }
.bar-track { fill: #eef1f5; }
.legend { color: var(--muted); font-size: 12px; margin-top: 4px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; vertical-align: middle; margin-left: 8px; }
.swatch.actual { background: var(--accent); } .swatch.baseline { background: var(--baseline); }
.empty { color: var(--muted); font-style: italic; }
.alerts, .changes { list-style: none; margin: 0; padding: 0; display: grid; gap: 6px; }
.alerts li { border: 1px solid var(--line); border-left-width: 5px; border-radius: 5px; padding: 4px 8px; }
.alerts li.firing { border-left-color: var(--bad); background: #fff5f4; }
.alerts li.ok { border-left-color: var(--ok); }
.alerts .name { font-weight: 700; } .alerts .state { float: right; font-weight: 700; font-size: 12px; }
.alerts li.firing .state { color: var(--bad); } .alerts li.ok .state { color: var(--ok); }
.alerts .detail { color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
.changes { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 6px 16px; }
.changes li { font-size: 12px; color: var(--muted); overflow-wrap: anywhere; }
.changes li strong { color: var(--ink); }
.table-wrap { overflow-x: auto; }
table.data { width: 100%; border-collapse: collapse; font-size: 13px; margin-top: 8px; }
table.data caption { text-align: left; color: var(--muted); font-size: 12px; padding-bottom: 4px; }
table.data th, table.data td { padding: 4px 6px; border-bottom: 1px solid #eceff3; text-align: right; white-space: nowrap; }
table.data th:first-child, table.data td:first-child { text-align: left; }
table.data thead th { color: var(--muted); font-weight: 600; border-bottom-color: var(--line); white-space: normal; vertical-align: bottom; }
.num { font-variant-numeric: tabular-nums; }
`;
