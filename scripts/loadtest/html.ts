// The --html report: one self-contained file that answers at a glance "did it pass, how fast, how
// steady". The plots are drawn by uPlot, whose script and CSS are inlined from node_modules, so
// the file opens offline anywhere (a CI artifact, an e-mail attachment).
import { readFileSync } from "node:fs";
import { describeLoad, formatMs, formatPercent, type LoadTestResult } from "./report";

const UPLOT_JS = require.resolve("uplot/dist/uPlot.iife.min.js");
const UPLOT_CSS = require.resolve("uplot/dist/uPlot.min.css");

const STYLE = `body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1160px;color:#1d2330}
.pass,.fail{color:#fff;padding:4px 12px;border-radius:6px}.pass{background:#2e8540}.fail{background:#c62828}
table{border-collapse:collapse;margin:0 24px 16px 0;display:inline-table;vertical-align:top}td,th{padding:4px 10px;border-bottom:1px solid #e5e7eb;text-align:left}`;

/** The three plots: latency over time, the latency histogram, throughput over time; x and then one array per series. */
export function plotSpecs(result: LoadTestResult) {
  const t = result.timeline;
  const x = t.map((p) => p.t_s + p.width_s);
  const { bin_ms, counts } = result.latency_histogram;
  // Each bar spans [x, next x): an x past the last bin (with no count) gives the last bar its width.
  const edges = [...counts, null].map((_, i) => Number((i * bin_ms).toPrecision(6)));
  return [
    {
      title: "Latency over time (per second of completion)",
      axes: ["seconds since start", "latency (ms)"],
      series: ["p50", "p99", "max"],
      data: [x, t.map((p) => p.p50_ms), t.map((p) => p.p99_ms), t.map((p) => p.max_ms)],
    },
    {
      title: "Latency histogram (the last bar holds everything above p99.5)",
      axes: ["latency (ms)", "requests"],
      series: ["requests"],
      data: [edges, [...counts, null]],
      bars: true,
    },
    {
      title: "Throughput over time",
      axes: ["seconds since start", "per second"],
      series: ["events/s acknowledged", "errors/s"],
      data: [x, t.map((p) => p.events_per_s), t.map((p) => p.errors_per_s)],
    },
  ];
}

// Runs in the page: one uPlot chart per spec; x is seconds or milliseconds, never a date.
const DRAW = `const colors = ["#4e79a7", "#e15759", "#9c9c9c"];
for (const p of JSON.parse(document.getElementById("plot-specs").textContent)) new uPlot({
  title: p.title, width: 1100, height: 300, scales: { x: { time: false } }, axes: p.axes.map((label) => ({ label })),
  series: [{ label: p.axes[0] }, ...p.series.map((label, i) => ({ label, stroke: colors[i], width: 2,
    ...(p.bars ? { fill: colors[i] + "99", paths: uPlot.paths.bars({ align: 1 }), points: { show: false } } : {}) }))],
}, p.data, document.getElementById("plots"));`;

const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
// JSON in a <script> element: "<" escaped, so no value (a URL, a label) can close the element.
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");

const row = (cells: (string | number)[], tag = "td") =>
  `<tr>${cells.map((cell) => `<${tag}>${escapeHtml(String(cell))}</${tag}>`).join("")}</tr>`;
const table = (head: string[], rows: (string | number)[][]) =>
  `<table>${head.length ? row(head, "th") : ""}${rows.map((r) => row(r)).join("")}</table>`;

export function renderHtml(result: LoadTestResult): string {
  const verdict = result.slo.passed ? "PASS" : "FAIL";
  const l = result.latency_ms;
  const figures = [
    ["requests", result.requests],
    ["events/s", result.events_per_s.toFixed(1)],
    ["success rate", formatPercent(result.success_rate)],
    ["latency p50 / p90 / p99 / max (ms)", [l.p50, l.p90, l.p99, l.max].map(formatMs).join(" / ")],
  ];
  const slo = result.slo.checks.map((c) => [c.passed ? "PASS" : "FAIL", c.objective, c.actual]);
  const cw = result.cloudwatch;
  const metrics = (cw?.metrics ?? []).map((m) => [m.label, m.value === null ? "no data" : Number(m.value.toFixed(2)), m.aggregate]);
  const origin = result.open_model
    ? "each request's scheduled send time (open model), so client-side queueing is included"
    : "the moment each request was sent (closed model)";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LiveInsight load test: ${verdict}</title>
<style>${readFileSync(UPLOT_CSS, "utf8")}</style><style>${STYLE}</style></head><body>
<h1><span class="${verdict.toLowerCase()}">${verdict}</span> LiveInsight load test</h1>
<p>${escapeHtml(`${result.target} · ${describeLoad(result)} · ${result.started_at} to ${result.finished_at} (${result.duration_s} s)`)}</p>
${table([], figures)}${table(["SLO", "objective", "measured"], slo)}${table(["status", "requests"], Object.entries(result.statuses))}
${cw ? table([`CloudWatch ${cw.function_name}`, "window", "over the minutes"], metrics) : ""}
<div id="plots"></div>
<p>Latency is measured from ${origin}; percentiles are exact nearest-rank values over ${l.samples} samples. Seed ${result.config.seed}.</p>
<script type="application/json" id="plot-specs">${scriptJson(plotSpecs(result))}</script>
<script>${readFileSync(UPLOT_JS, "utf8")}</script>
<script>${DRAW}</script>
</body></html>
`;
}
