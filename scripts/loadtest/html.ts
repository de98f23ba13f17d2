// The --html report: one self-contained file (inline CSS and SVG, no script, no external fetch)
// that answers at a glance "did it pass, how fast, how steady".
import type { CloudWatchSummary } from "./cloudwatch";
import { describeLoad, formatMs, formatSloActual, type LoadTestResult } from "./report";
import { formatPercent } from "./slo";
import { barChart, escapeXml, lineChart } from "./svg";

const COLORS = { p50: "#4e79a7", p99: "#e15759", max: "#9c9c9c", events: "#59a14f", errors: "#e15759", dropped: "#f28e2b" };

const STYLE = `
body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}
main{max-width:1160px;margin:0 auto;padding:24px}
header{display:flex;align-items:center;gap:18px;margin-bottom:6px}
h1{font-size:22px;margin:0}
h2{font-size:16px;margin:24px 0 8px}
.verdict{font-weight:700;font-size:18px;padding:6px 16px;border-radius:6px;color:#fff}
.pass{background:#2e8540}.fail{background:#c62828}
.sub{color:#5b6475;font-size:13px;margin:2px 0}
.tiles{display:grid;grid-template-columns:repeat(7,1fr);gap:10px;margin:16px 0}
.tile{background:#fff;border-radius:8px;padding:10px 12px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.tile .v{font-size:20px;font-weight:600}.tile .k{font-size:12px;color:#5b6475}
table{border-collapse:collapse;background:#fff;font-size:13px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
td,th{padding:6px 12px;border-bottom:1px solid #e5e7eb;text-align:left}
th{background:#fafbfc;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#2e8540;font-weight:700}.bad{color:#c62828;font-weight:700}
.row{display:flex;gap:24px;flex-wrap:wrap;align-items:flex-start}
.chart{background:#fff;border-radius:8px;padding:8px;box-shadow:0 1px 2px rgba(0,0,0,.08);margin-bottom:16px}
.chart svg{max-width:100%;height:auto;display:block}
svg .grid{stroke:#e8eaee;stroke-width:1}svg .axis{stroke:#8a93a3;stroke-width:1}
svg .tick{font-size:11px;fill:#5b6475}svg .label{font-size:12px;fill:#1d2330}
svg .title{font-size:14px;font-weight:600;fill:#1d2330}svg .legend{font-size:11px;fill:#1d2330}
svg .marker{font-size:11px;font-weight:600}
.notes{font-size:12px;color:#5b6475;line-height:1.5}
`;

export function renderHtml(result: LoadTestResult): string {
  const verdict = result.slo.passed ? "PASS" : "FAIL";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>LiveInsight load test: ${verdict}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><main>
${summaryHeader(result)}
${tiles(result)}
<div class="row">${sloTable(result)}${statusTable(result)}</div>
<h2>Latency and throughput</h2>
<div class="chart">${latencyOverTime(result)}</div>
<div class="row"><div class="chart">${latencyHistogram(result)}</div><div class="chart">${throughputOverTime(result)}</div></div>
${result.cloudwatch ? cloudWatchTable(result.cloudwatch) : ""}
${notes(result)}
</main></body></html>
`;
}

function summaryHeader(result: LoadTestResult): string {
  const passed = result.slo.passed;
  return `<header><span class="verdict ${passed ? "pass" : "fail"}">${passed ? "PASS" : "FAIL"}</span>
<h1>LiveInsight load test</h1></header>
<p class="sub">${escapeXml(result.target)} &middot; ${escapeXml(describeLoad(result.model, result.config))}</p>
<p class="sub">${escapeXml(result.started_at)} to ${escapeXml(result.finished_at)} (${result.duration_s.toFixed(2)} s)</p>`;
}

function tiles(result: LoadTestResult): string {
  const l = result.latency_ms;
  const items: [string, string][] = [
    ["requests", String(result.requests)],
    ["events/s", result.events_per_s.toFixed(1)],
    ["success rate", result.success_rate === null ? "n/a" : formatPercent(result.success_rate)],
    ["p50 ms", formatMs(l.p50)],
    ["p90 ms", formatMs(l.p90)],
    ["p99 ms", formatMs(l.p99)],
    ["max ms", formatMs(l.max)],
  ];
  return `<div class="tiles">${items.map(([k, v]) => `<div class="tile"><div class="v">${escapeXml(v)}</div><div class="k">${k}</div></div>`).join("")}</div>`;
}

function sloTable(result: LoadTestResult): string {
  const rows = result.slo.checks.map((check) => {
    return `<tr><td class="${check.passed ? "ok" : "bad"}">${check.passed ? "PASS" : "FAIL"}</td><td>${escapeXml(check.objective)}</td><td class="num">${escapeXml(formatSloActual(check))}</td></tr>`;
  });
  return `<div><h2>Service level objectives</h2><table><tr><th></th><th>objective</th><th>measured</th></tr>${rows.join("")}</table></div>`;
}

function statusTable(result: LoadTestResult): string {
  const rows = Object.entries(result.statuses).map(
    ([status, count]) => `<tr><td>${escapeXml(status)}</td><td class="num">${count}</td></tr>`,
  );
  if (result.open_model) rows.push(`<tr><td>DROPPED (max in flight)</td><td class="num">${result.open_model.dropped}</td></tr>`);
  return `<div><h2>Responses</h2><table><tr><th>status</th><th>requests</th></tr>${rows.join("")}</table></div>`;
}

function latencyOverTime(result: LoadTestResult): string {
  const at = (key: "p50_ms" | "p99_ms" | "max_ms") => result.timeline.map((p) => ({ x: p.t_s + p.width_s, y: p[key] }));
  return lineChart(
    {
      title: "Latency over time (per second of completion)",
      xLabel: "seconds since start",
      yLabel: "latency (ms)",
      width: 1100,
      height: 320,
    },
    [
      { name: "max", color: COLORS.max, points: at("max_ms"), dashed: true },
      { name: "p99", color: COLORS.p99, points: at("p99_ms") },
      { name: "p50", color: COLORS.p50, points: at("p50_ms") },
    ],
  );
}

function latencyHistogram(result: LoadTestResult): string {
  const bins = result.latency_histogram;
  const l = result.latency_ms;
  const markers = [
    { x: l.p50, label: `p50 ${formatMs(l.p50)}`, color: COLORS.p50 },
    { x: l.p99, label: `p99 ${formatMs(l.p99)}`, color: COLORS.p99 },
  ].filter((m): m is { x: number; label: string; color: string } => m.x !== null);
  const top = bins.length ? bins[bins.length - 1].to_ms : 0;
  const overflow = l.max !== null && l.max > top ? ` (last bar includes up to ${formatMs(l.max)} ms)` : "";
  return barChart(
    { title: `Latency histogram${overflow}`, xLabel: "latency (ms)", yLabel: "requests", width: 540, height: 320 },
    bins.map((b) => ({ from: b.from_ms, to: b.to_ms, value: b.count })),
    markers,
  );
}

function throughputOverTime(result: LoadTestResult): string {
  const points = (f: (p: LoadTestResult["timeline"][number]) => number) => result.timeline.map((p) => ({ x: p.t_s + p.width_s, y: f(p) }));
  const series = [
    { name: "events/s acknowledged", color: COLORS.events, points: points((p) => p.events_per_s), fill: true },
    { name: "errors/s", color: COLORS.errors, points: points((p) => p.errors / p.width_s) },
  ];
  if (result.open_model) series.push({ name: "dropped/s", color: COLORS.dropped, points: points((p) => p.dropped / p.width_s) });
  return lineChart({ title: "Throughput over time", xLabel: "seconds since start", yLabel: "per second", width: 540, height: 320 }, series);
}

function cloudWatchTable(summary: CloudWatchSummary): string {
  const rows = summary.metrics.map(
    (m) =>
      `<tr><td>${escapeXml(m.label)} (${escapeXml(m.unit)})</td><td class="num">${m.value === null ? "no data" : Number(m.value.toFixed(2))}</td><td>${m.aggregate}</td></tr>`,
  );
  return `<h2>CloudWatch (${escapeXml(summary.function_name)}, ${escapeXml(summary.start)} to ${escapeXml(summary.end)})</h2>
<table><tr><th>metric</th><th>window</th><th>aggregate of ${summary.period_s} s periods</th></tr>${rows.join("")}</table>`;
}

function notes(result: LoadTestResult): string {
  const origin =
    result.model === "open"
      ? "from each request's scheduled send time (open model), so client-side queueing is included"
      : "from the moment each request was sent (closed model)";
  return `<h2>How to read this</h2><p class="notes">Latency is measured ${origin}. Percentiles are exact nearest-rank values over
${result.latency_ms.samples} recorded samples (requests with an HTTP answer, and timeouts at their timeout). Success rate = 2xx responses
/ (requests sent + requests dropped). Events/s counts events acknowledged by a 2xx. Seed ${result.config.seed}.</p>`;
}
