/**
 * What /stats must answer for a set of stored events, computed here by brute force from the events
 * alone (no SQL, no engine): the metrics, the buckets of a series, the top rows of a breakdown.
 * Shared by the exactness tests (tests/stats/exact.test.ts) and the two-site tests (sites.test.ts).
 */
import { bucketsOf } from "../../functions/stats/results";
import { type ModelMetrics, modelMetrics, referrerHost, type TrafficEvent } from "./traffic";

/** The answer's metrics for a model: rates and means from the integer sums, as the API rounds them. */
export function expectedMetrics(m: ModelMetrics) {
  return {
    pageviews: m.pageviews,
    visitors: m.visitors,
    sessions: m.sessions,
    bounced_sessions: m.bounced_sessions,
    bounce_rate: m.sessions ? Math.round((m.bounced_sessions / m.sessions) * 10_000) / 10_000 : 0,
    mean_session_duration_ms: m.sessions ? Math.round(m.duration_ms_total / m.sessions) : 0,
  };
}

export const inBucket = (events: readonly TrafficEvent[], start: string, ms: number) =>
  events.filter((e) => e.at >= Date.parse(start) && e.at < Date.parse(start) + ms);

const INTERVAL_MS = { day: 86_400_000, hour: 3_600_000 } as const;

/** Every bucket of [from, to], empty ones as zeros. */
export function expectedBuckets(stored: readonly TrafficEvent[], from: string, to: string, interval: "day" | "hour") {
  return bucketsOf(from, to, interval).map((bucket) => ({
    bucket,
    ...expectedMetrics(modelMetrics(inBucket(stored, bucket, INTERVAL_MS[interval]))),
  }));
}

export type Dimension = "page" | "referrer" | "event_type";

/** The events a breakdown groups (page: those with a page_url) and the value each is grouped by. */
export const DIMENSIONS: Record<Dimension, { keep: (e: TrafficEvent) => boolean; value: (e: TrafficEvent) => string | null }> = {
  page: { keep: (e) => e.page !== undefined, value: (e) => e.page ?? null },
  referrer: { keep: () => true, value: (e) => referrerHost(e.referrer) },
  event_type: { keep: () => true, value: (e) => e.type },
};

const byValue = (a: string | null, b: string | null) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0);

/** Top `limit` by page views, then events, then value (null last). */
export function expectedBreakdown(stored: readonly TrafficEvent[], by: Dimension, limit: number) {
  const { keep, value } = DIMENSIONS[by];
  const groups = new Map<string | null, TrafficEvent[]>();
  for (const e of stored.filter(keep)) groups.set(value(e), [...(groups.get(value(e)) ?? []), e]);
  return [...groups]
    .map(([v, es]) => ({
      value: v,
      pageviews: es.filter((e) => e.type === "page_view").length,
      visitors: new Set(es.map((e) => e.user)).size,
      events: es.length,
    }))
    .sort((a, b) => b.pageviews - a.pageviews || b.events - a.events || byValue(a.value, b.value))
    .slice(0, limit);
}

/** The newest received_at among the stored events (traffic.ts writes first copies 40 ms after `at`). */
export const expectedDataUntil = (stored: readonly TrafficEvent[]) =>
  stored.length ? new Date(Math.max(...stored.map((e) => e.at + 40))).toISOString() : null;

export type ViewParams =
  | { view: "aggregate" }
  | { view: "timeseries"; interval: "day" | "hour" }
  | { view: "breakdown"; by: Dimension; limit: number };

/** The part of a /stats answer that depends on the events, for one site's stored events in [from, to]. */
export function expectedView(stored: readonly TrafficEvent[], from: string, to: string, p: ViewParams): Record<string, unknown> {
  if (p.view === "aggregate") return { data_until: expectedDataUntil(stored), ...expectedMetrics(modelMetrics(stored)) };
  if (p.view === "timeseries") return { data_until: expectedDataUntil(stored), buckets: expectedBuckets(stored, from, to, p.interval) };
  return { rows: expectedBreakdown(stored, p.by, p.limit) };
}
