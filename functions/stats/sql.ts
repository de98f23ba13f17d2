/**
 * The SQL of every /stats view: one text for DuckDB (local mode) and Athena (engine 3, Trino),
 * over the deduplicating view `events` (functions/archive/query-sql.ts). Only functions both engines
 * document are used: date_trunc, date_diff('millisecond', …) (Athena: "Date and time functions",
 * https://trino.io/docs/current/functions/datetime.html as linked from
 * https://docs.aws.amazon.com/athena/latest/ug/functions-env3.html), regexp_extract with a group
 * (https://trino.io/docs/current/functions/regexp.html), row_number() and CASE, so no dialect
 * switch is needed here (the archive's one, DIALECTS in functions/archive/query-sql.ts, covers JSON
 * properties, which /stats does not read). The one difference left is in the answers: a timestamp
 * cast to text has no fraction in DuckDB ("… 01:00:00") and three digits in Trino ("… 01:00:00.000");
 * functions/stats/results.ts reads both.
 *
 * Every query filters `dt` (the partition: both engines read only those days) and `site_id`, and
 * reads `events` once: Trino inlines a CTE at each use, so a second reference would scan twice.
 */
import type { StatsDimension, StatsQuery } from "./params";

const asText = (ts: string) => `CAST(${ts} AS VARCHAR)`;

const scope = (q: StatsQuery) => `"site_id" = '${q.site}' AND "dt" BETWEEN '${q.from}' AND '${q.to}'`;
const PAGE_VIEW = `CASE WHEN "event_type" = 'page_view' THEN 1 ELSE 0 END`;

/**
 * Sessions per bucket, each once: per (bucket, session, user) group of events, then per session.
 * Visitors are counted without a second scan: row_number() over (bucket, user) marks one group per
 * user and bucket, and the marks are summed. Duration = last − first event of the session in the
 * bucket; bounce = a session with exactly one page view.
 */
export function metricsSql(q: Extract<StatsQuery, { view: "aggregate" | "timeseries" }>, relation = "events"): string {
  // The aggregate's one bucket is the site itself (constant under the filter, and a plain column).
  const bucket = q.view === "timeseries" ? asText(`date_trunc('${q.interval}', "timestamp")`) : `"site_id"`;
  return [
    "WITH groups AS (",
    `  SELECT ${bucket} AS bucket, "session_id", "user_id",`,
    `    sum(${PAGE_VIEW}) AS pageviews, min("timestamp") AS first_at, max("timestamp") AS last_at, max("received_at") AS received_until`,
    `  FROM ${relation}`,
    `  WHERE ${scope(q)}`,
    `  GROUP BY ${bucket}, "session_id", "user_id"`,
    "), marked AS (",
    `  SELECT *, row_number() OVER (PARTITION BY bucket, "user_id" ORDER BY "session_id") AS user_rank FROM groups`,
    "), sessions AS (",
    "  SELECT bucket, sum(pageviews) AS pageviews, sum(CASE WHEN user_rank = 1 THEN 1 ELSE 0 END) AS new_users,",
    `    date_diff('millisecond', min(first_at), max(last_at)) AS duration_ms, max(received_until) AS received_until`,
    `  FROM marked GROUP BY bucket, "session_id"`,
    ")",
    "SELECT bucket, sum(pageviews) AS pageviews, sum(new_users) AS visitors, count(*) AS sessions,",
    "  sum(CASE WHEN pageviews = 1 THEN 1 ELSE 0 END) AS bounced_sessions, sum(duration_ms) AS duration_ms_total,",
    `  ${asText("max(received_until)")} AS data_until`,
    "FROM sessions GROUP BY bucket ORDER BY bucket",
  ].join("\n");
}

/** The grouped value of a breakdown: the page URL, the referrer's host (lower case), the event type. */
const DIMENSION: Record<StatsDimension, { value: string; filter: string }> = {
  page: { value: `"page_url"`, filter: ` AND "page_url" IS NOT NULL` },
  // DuckDB answers '' where Trino answers NULL for no match; NULLIF makes both NULL (direct visits).
  referrer: { value: `NULLIF(lower(regexp_extract("referrer", '^[A-Za-z][A-Za-z0-9+.-]*://([^/:?#]+)', 1)), '')`, filter: "" },
  event_type: { value: `"event_type"`, filter: "" },
};

/** Top N by page views (then events, then the value), NULL (no referrer) last among equals. */
export function breakdownSql(q: Extract<StatsQuery, { view: "breakdown" }>, relation = "events"): string {
  const { value, filter } = DIMENSION[q.by];
  return [
    `SELECT ${value} AS value, sum(${PAGE_VIEW}) AS pageviews, count(DISTINCT "user_id") AS visitors, count(*) AS events`,
    `FROM ${relation}`,
    `WHERE ${scope(q)}${filter}`,
    `GROUP BY ${value}`,
    "ORDER BY pageviews DESC, events DESC, value ASC NULLS LAST",
    `LIMIT ${q.limit}`,
  ].join("\n");
}

/** `relation`: the view `events` (DuckDB), or on Athena the view's text over the Glue table as a subquery. */
export function statsSql(q: StatsQuery, relation = "events"): string {
  return q.view === "breakdown" ? breakdownSql(q, relation) : metricsSql(q, relation);
}
