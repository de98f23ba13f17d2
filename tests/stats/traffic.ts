/**
 * Known traffic for the stats tests and bench: archive rows (with redelivered copies written into
 * further files, as the stream does) and the figures /stats must answer, computed here from the
 * events alone (dedup by site, session, event key), independently of the SQL.
 */
import { directoryStore } from "../../functions/archive/fs-store";
import { dayPrefix } from "../../functions/archive/naming";
import { encodeParquet } from "../../functions/archive/parquet";
import type { ArchiveRow } from "../../functions/archive/row";

export interface TrafficEvent {
  site: string;
  session: string;
  user: string;
  type: string;
  /** Epoch ms. */
  at: number;
  page?: string;
  referrer?: string;
  id: string;
}

export function rowOf(e: TrafficEvent, receivedDelay = 40): ArchiveRow {
  return {
    site_id: e.site,
    session_id: e.session,
    event_key: `${String(e.at).padStart(13, "0")}#${e.id}`,
    event_id: e.id,
    timestamp: e.at,
    event_type: e.type,
    user_id: e.user,
    page_url: e.page ?? null,
    referrer: e.referrer ?? null,
    user_agent: "Mozilla/5.0",
    ip_prefix: "203.0.113.0/24",
    properties: "{}",
    received_at: e.at + receivedDelay,
    client_timestamp: null,
    expires_at: Math.floor(e.at / 1000) + 90 * 86_400,
  };
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Writes the events in files of `fileSize` per day, then `redeliver` again in one more file per day. */
export async function archiveTraffic(dir: string, events: readonly TrafficEvent[], redeliver: readonly TrafficEvent[], fileSize = 500) {
  const store = directoryStore(dir);
  const byDay = new Map<string, ArchiveRow[]>();
  const add = (row: ArchiveRow, map: Map<string, ArchiveRow[]>) => {
    const day = dayOf(row.timestamp);
    const rows = map.get(day) ?? [];
    rows.push(row);
    map.set(day, rows);
  };
  for (const e of events) add(rowOf(e), byDay);
  const again = new Map<string, ArchiveRow[]>();
  for (const e of redeliver) add(rowOf(e, 900), again);
  for (const [day, rows] of byDay)
    for (let i = 0; i < rows.length; i += fileSize)
      await store.put(`${dayPrefix(day)}b-${i}.parquet`, encodeParquet(rows.slice(i, i + fileSize)));
  for (const [day, rows] of again) await store.put(`${dayPrefix(day)}b-redelivered.parquet`, encodeParquet(rows));
}

export interface ModelMetrics {
  pageviews: number;
  visitors: number;
  sessions: number;
  bounced_sessions: number;
  duration_ms_total: number;
}

const identity = (e: TrafficEvent) => `${e.site}|${e.session}|${String(e.at).padStart(13, "0")}#${e.id}`;

/** Each stored event once (the first copy), of one site, in [from, to]. */
export function storedEvents(events: readonly TrafficEvent[], site: string, from: string, to: string): TrafficEvent[] {
  const seen = new Map<string, TrafficEvent>();
  for (const e of events) if (!seen.has(identity(e))) seen.set(identity(e), e);
  return [...seen.values()].filter((e) => e.site === site && dayOf(e.at) >= from && dayOf(e.at) <= to);
}

/** The metrics of a set of events: sessions with exactly one page view bounce; duration = last − first. */
export function modelMetrics(events: readonly TrafficEvent[]): ModelMetrics {
  const sessions = new Map<string, { pv: number; first: number; last: number }>();
  for (const e of events) {
    const s = sessions.get(e.session) ?? { pv: 0, first: e.at, last: e.at };
    if (e.type === "page_view") s.pv++;
    s.first = Math.min(s.first, e.at);
    s.last = Math.max(s.last, e.at);
    sessions.set(e.session, s);
  }
  const list = [...sessions.values()];
  return {
    pageviews: events.filter((e) => e.type === "page_view").length,
    visitors: new Set(events.map((e) => e.user)).size,
    sessions: list.length,
    bounced_sessions: list.filter((s) => s.pv === 1).length,
    duration_ms_total: list.reduce((sum, s) => sum + (s.last - s.first), 0),
  };
}

/** The host of a referrer URL, lower case; null when there is none. */
export function referrerHost(referrer: string | undefined): string | null {
  if (!referrer) return null;
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/:?#]+)/.exec(referrer);
  return match ? match[1].toLowerCase() : null;
}

/** A deterministic generator (mulberry32) so a failing case can be replayed from its seed. */
export function seeded(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}

export const PAGES = ["https://shop.example/", "https://shop.example/a", "https://shop.example/b?x=1", "https://shop.example/c"];
export const REFERRERS = [
  undefined,
  "https://www.Google.com/search?q=x",
  "https://news.example:8443/item",
  "android-app://com.app/",
  "not a url",
];

/** Visitors with sessions of page views and clicks over `days` days from `startMs`, sites a and b. */
export function generateTraffic(seed: number, visitors: number, startMs: number, days: number, prefix = ""): TrafficEvent[] {
  const r = seeded(seed);
  const events: TrafficEvent[] = [];
  let n = 0;
  for (let v = 0; v < visitors; v++) {
    const site = r.pick(["site-a", "site-a", "site-b"]);
    const user = `user_${prefix}${v}`;
    for (let s = 0, sessions = 1 + r.int(3); s < sessions; s++) {
      let at = startMs + r.int(days * 86_400_000);
      const session = `sess_${prefix}${v}_${s}`;
      const referrer = r.pick(REFERRERS);
      for (let i = 0, count = 1 + r.int(5); i < count; i++) {
        const pageView = i === 0 || r.next() < 0.6;
        events.push({
          site,
          session,
          user,
          type: pageView ? "page_view" : "click",
          at,
          page: pageView ? r.pick(PAGES) : r.next() < 0.5 ? undefined : r.pick(PAGES),
          referrer: i === 0 ? referrer : undefined,
          id: `evt_${prefix}${n++}`,
        });
        at += 1 + r.int(600_000);
      }
    }
  }
  return events;
}
