/**
 * Engine answers → /stats responses. Both engines hand back text cells (Athena's GetQueryResults
 * is all VarCharValue; DuckDB's BIGINT/HUGEINT come as text too), so numbers are parsed here once.
 * Rates and means are computed here from exact integer sums, never by the engines, so DuckDB and
 * Athena cannot round differently. Timeseries buckets with no events are filled with zeros.
 */
import type { StatsQuery } from "./params";

export interface RawTable {
  columns: string[];
  rows: (string | null)[][];
}

export interface Metrics {
  pageviews: number;
  visitors: number;
  sessions: number;
  bounced_sessions: number;
  /** bounced_sessions / sessions, 4 decimals; 0 with no sessions. */
  bounce_rate: number;
  /** Mean of (last − first event) per session, ms, rounded; 0 with no sessions. */
  mean_session_duration_ms: number;
}

const ZERO: Metrics = { pageviews: 0, visitors: 0, sessions: 0, bounced_sessions: 0, bounce_rate: 0, mean_session_duration_ms: 0 };

function objects(table: RawTable): Record<string, string | null>[] {
  return table.rows.map((row) => Object.fromEntries(table.columns.map((c, i) => [c, row[i] === null ? null : String(row[i])])));
}

const count = (cell: string | null | undefined) => (cell === null || cell === undefined ? 0 : Number(cell));

/** "2026-12-07 01:00:00" (DuckDB) or "2026-12-07 01:00:00.000" (Trino), UTC → ISO 8601. */
export function isoOf(cell: string | null | undefined): string | null {
  if (!cell) return null;
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?/.exec(cell);
  if (!match) throw new Error(`unexpected timestamp text from the engine: ${cell}`);
  const millis = (match[3] ?? ".000").slice(1).padEnd(3, "0").slice(0, 3);
  return `${match[1]}T${match[2]}.${millis}Z`;
}

export function metricsOf(row: Record<string, string | null>): Metrics {
  const sessions = count(row.sessions);
  const bounced = count(row.bounced_sessions);
  return {
    pageviews: count(row.pageviews),
    visitors: count(row.visitors),
    sessions,
    bounced_sessions: bounced,
    bounce_rate: sessions ? Math.round((bounced / sessions) * 10_000) / 10_000 : 0,
    mean_session_duration_ms: sessions ? Math.round(count(row.duration_ms_total) / sessions) : 0,
  };
}

const latest = (cells: (string | null)[]) => cells.map(isoOf).reduce<string | null>((a, b) => (b && (!a || b > a) ? b : a), null);

/** Every bucket start of [from, to] (UTC days inclusive), ISO. */
export function bucketsOf(from: string, to: string, interval: "day" | "hour"): string[] {
  const step = interval === "day" ? 86_400_000 : 3_600_000;
  const end = Date.parse(`${to}T00:00:00Z`) + 86_400_000;
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t < end; t += step) out.push(new Date(t).toISOString());
  return out;
}

export function statsResponse(q: StatsQuery, table: RawTable): Record<string, unknown> {
  const rows = objects(table);
  const base = { site: q.site, from: q.from, to: q.to, view: q.view };
  if (q.view === "breakdown") {
    const top = rows.map((r) => ({ value: r.value, pageviews: count(r.pageviews), visitors: count(r.visitors), events: count(r.events) }));
    return { ...base, by: q.by, limit: q.limit, rows: top };
  }
  // The newest received_at the answer includes: events received later may not be archived yet.
  const dataUntil = latest(rows.map((r) => r.data_until));
  if (q.view === "aggregate") return { ...base, data_until: dataUntil, ...(rows[0] ? metricsOf(rows[0]) : ZERO) };
  const byBucket = new Map(rows.map((r) => [isoOf(r.bucket), metricsOf(r)]));
  const buckets = bucketsOf(q.from, q.to, q.interval).map((bucket) => ({ bucket, ...(byBucket.get(bucket) ?? ZERO) }));
  return { ...base, interval: q.interval, data_until: dataUntil, buckets };
}
