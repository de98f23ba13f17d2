/** What `npm run bench` prints on stdout: a markdown table, one row per figure with its goal, then the all-in cost and sizes. */

import { type ArchiveFigures, archiveRows } from "../archive/lag-bench";
import { type MonthlyCost, sideBySide } from "./all-in";
import type { BenchResult } from "./run";

const verdict = (ok: boolean) => (ok ? "met" : "**missed**");

export function markdownTable(r: BenchResult): string {
  const t = r.collector_vs_floor;
  const c = r.cold_start;
  const w = r.write_units_per_event;
  const cost = r.cost_per_million_events_usd;
  const rows = [
    [
      "collector_vs_floor",
      `${t.collector_events_per_s} / ${t.floor_events_per_s} events/s = **${t.ratio}**`,
      "ratio ≥ 0.8",
      verdict(t.ratio >= 0.8),
    ],
    [
      "cold_start",
      `${c.init_ms} ms / ${c.baseline_init_ms} ms = **${c.ratio}** (bundle ${c.bundle_bytes} B, baseline ${c.baseline_bundle_bytes} B, median of ${c.runs})`,
      "ratio ≤ 1.5",
      verdict(c.ratio <= 1.5),
    ],
    [
      "write_units_per_event batch_1",
      `**${w.batch_1.write_units_per_event}** (dynalite ConsumedCapacity: ${w.batch_1.dynalite_consumed_wcu_per_event ?? "n/a"})`,
      "—",
      "—",
    ],
    [
      "write_units_per_event batch_10",
      `**${w.batch_10.write_units_per_event}** (dynalite ConsumedCapacity: ${w.batch_10.dynalite_consumed_wcu_per_event ?? "n/a"})`,
      "≤ 1.3",
      verdict(w.batch_10.write_units_per_event <= 1.3),
    ],
    [
      "many_sessions 100 sessions × 1 event",
      `p50 ${r.many_sessions.p50_ms} ms / p99 ${r.many_sessions.p99_ms} ms per request; **${r.many_sessions.write_units_per_event}** write units per event (${r.many_sessions.write_units_per_request} per request, ${r.many_sessions.calls_per_request} calls)`,
      "—",
      "—",
    ],
    [
      "hostile_input",
      `worst refusal ${r.hostile_input.worst_refusal_ms} ms (${r.hostile_input.worst_case}) / valid 100-event batch ${r.hostile_input.valid_batch_ms} ms = **${r.hostile_input.ratio}**`,
      "ratio ≤ 10",
      verdict(r.hostile_input.ratio <= 10),
    ],
    [
      "realtime_read_units per answer (100 / 10,000 / 100,000 active sessions)",
      `**${r.realtime_read_units.rows.map((x) => x.read_units).join(" / ")}** RRU, ${r.realtime_read_units.rows.map((x) => x.items_read).join(" / ")} items; viewer-day $${r.realtime_read_units.viewer_day_usd.total_without_duration} (reads $${r.realtime_read_units.viewer_day_usd.dynamo_reads})`,
      `constant, ≤ ${r.realtime_read_units.max_items_per_answer} items`,
      verdict(
        new Set(r.realtime_read_units.rows.map((x) => x.read_units)).size === 1 &&
          r.realtime_read_units.rows.every((x) => x.items_read <= r.realtime_read_units.max_items_per_answer),
      ),
    ],
    [
      "realtime_write_units_per_event batch_1 / batch_10",
      `**${w.batch_1.realtime_write_units_per_event} / ${w.batch_10.realtime_write_units_per_event}** (${w.batch_10.counter_writes} counter + ${w.batch_10.session_marker_writes} marker writes for ${w.batch_10.events} events)`,
      "—",
      "—",
    ],
    ["cost_per_million_events_usd dev", `**$${cost.dev.total.toFixed(4)}**`, "—", "—"],
    ["cost_per_million_events_usd prod", `**$${cost.prod.total.toFixed(4)}**`, "≤ $1.00", verdict(cost.prod.total <= 1)],
    ["cost_per_million_events_usd naive_baseline", `**$${cost.naive_baseline.total.toFixed(4)}**`, "≈ $24.42", "—"],
  ];
  const lines = ["| benchmark | result | goal | verdict |", "|---|---|---|---|", ...rows.map((row) => `| ${row.join(" | ")} |`)];
  return [...lines, "", `Write units: ${w.batch_10.method}.`, ...r.cost_assumptions.map((a) => `Cost: ${a}.`)].join("\n");
}

/** The lines after the table: all-in cost per stack and volume, stored item sizes, the tracker's size. */
export function summary(r: BenchResult, allIn: Record<string, MonthlyCost[]>): string {
  const s = r.item_sizes_bytes;
  return [
    "All-in cost (ingest + storage over retention + PITR + logs + fixed monthly), arithmetic on stderr:",
    sideBySide(allIn),
    `Item sizes stored (mean, + 100 B overhead): Events ${s.events.mean_stored_bytes} B, Sessions ${s.sessions.mean_stored_bytes} B, UserIndex ${s.user_index.mean_stored_bytes} B, ActiveSessions ${s.active_sessions.mean_stored_bytes} B.`,
    `Tracker: /tracker.js is ${r.tracker_gzip_bytes} B gzipped (zlib level 9; budget 2048 B).`,
    "",
  ].join("\n");
}

/** The archive in local mode (tests/archive/lag-bench.ts's figures): its own table, every acknowledged event must become queryable. */
export function archiveTableRows(a: ArchiveFigures): string[] {
  const goals = ["—", "—", "—", "—", "—", "0 missing"];
  const verdicts = ["—", "—", "—", "—", "—", verdict(a.lag.missing === 0)];
  return [
    "| archive (local mode) | result | goal | verdict |",
    "|---|---|---|---|",
    ...archiveRows(a).map(([figure, value], k) => `| ${figure} | ${value} | ${goals[k]} | ${verdicts[k]} |`),
  ];
}
