/**
 * GET /stats query parameters (docs/stats.md): parsed with zod, every problem a 400 that names the
 * parameter. Sites and days are checked against strict patterns, so the SQL builder can write them
 * as literals (Athena result reuse matches on the query text, and a literal keeps it one text).
 */
import { z } from "zod/v4";
import { requestedSite, type SiteTable } from "../core/admission";
import { ClientError } from "../core/errors";

export const STATS_VIEWS = ["aggregate", "timeseries", "breakdown"] as const;
export const STATS_INTERVALS = ["day", "hour"] as const;
export const STATS_DIMENSIONS = ["page", "referrer", "event_type"] as const;
export const BREAKDOWN_LIMIT = { default: 10, max: 100 } as const;
/** SPEC §9's site id: a slug, also the one thing interpolated into SQL besides validated days. */
export const SITE_ID = /^[a-z0-9-]{3,40}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export type StatsView = (typeof STATS_VIEWS)[number];
export type StatsInterval = (typeof STATS_INTERVALS)[number];
export type StatsDimension = (typeof STATS_DIMENSIONS)[number];

export type StatsQuery = { site: string; from: string; to: string } & (
  | { view: "aggregate" }
  | { view: "timeseries"; interval: StatsInterval }
  | { view: "breakdown"; by: StatsDimension; limit: number }
);

export interface ParamRules {
  /** The archive's retention (eventRetentionDays): no range may be longer, nor start before it. */
  retentionDays: number;
  /**
   * The stack's sites (SITES / DEFAULT_SITE, as the collector reads them): another id is a 400
   * UnknownSite naming the known ids, and a missing `site` means the default, else the only site.
   * Without a table `site` is required and any well-formed id is read.
   */
  sites?: SiteTable;
  now: number;
}

const MS_PER_DAY = 86_400_000;
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
export const dayText = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isRealDay = (day: string) => DAY.test(day) && dayText(dayMs(day)) === day;

const oneOf = (values: readonly string[]) => z.enum(values as [string, ...string[]], { error: `must be one of ${values.join(", ")}` });
const day = z.string({ error: "is required (YYYY-MM-DD, a UTC day)" }).refine(isRealDay, { error: "must be a UTC day as YYYY-MM-DD" });

const SCHEMA = z.object({
  site: z.string().regex(SITE_ID, { error: "must be a site id ([a-z0-9-], 3 to 40 characters)" }).optional(),
  from: day,
  to: day,
  view: oneOf(STATS_VIEWS).optional(),
  interval: oneOf(STATS_INTERVALS).optional(),
  by: oneOf(STATS_DIMENSIONS).optional(),
  limit: z
    .string()
    .regex(/^\d{1,3}$/, { error: `must be a whole number from 1 to ${BREAKDOWN_LIMIT.max}` })
    .transform(Number)
    .refine((n) => n >= 1 && n <= BREAKDOWN_LIMIT.max, { error: `must be a whole number from 1 to ${BREAKDOWN_LIMIT.max}` })
    .optional(),
});

const KNOWN = new Set(Object.keys(SCHEMA.shape));

function bad(parameter: string, problem: string): ClientError {
  return new ClientError(400, "InvalidParameter", `Query parameter "${parameter}" ${problem}.`, [{ field: parameter, problem }], 0);
}

/** Days in the inclusive range [from, to]. */
export const daysIn = (from: string, to: string) => Math.round((dayMs(to) - dayMs(from)) / MS_PER_DAY) + 1;

function siteOf(requested: string | undefined, table: SiteTable | undefined, ask: string): string {
  if (!table) {
    if (requested === undefined) throw bad("site", "is required");
    return requested;
  }
  const { site, error } = requestedSite(requested, table, ask);
  if (!site) throw error!;
  return site.id;
}

const unknownParameter = (query: Record<string, string | undefined>, known: ReadonlySet<string>, route: string) => {
  const unknown = Object.keys(query).find((k) => !known.has(k));
  if (unknown) throw bad(unknown, `is not a parameter of ${route} (use ${[...known].join(", ")})`);
};

const REALTIME_SCHEMA = z.object({ site: SCHEMA.shape.site });
const REALTIME_KNOWN = new Set(Object.keys(REALTIME_SCHEMA.shape));

/**
 * GET /stats/realtime's one parameter: the site whose live count the page shows, by the same rule
 * as /stats (absent → the default, else the only site; unknown → 400 UnknownSite naming `site`).
 */
export function parseRealtimeQuery(query: Record<string, string | undefined>, rules: Pick<ParamRules, "sites">): string {
  unknownParameter(query, REALTIME_KNOWN, "/stats/realtime");
  const parsed = REALTIME_SCHEMA.safeParse(query);
  if (!parsed.success) throw bad("site", parsed.error.issues[0].message);
  return siteOf(parsed.data.site, rules.sites, "Name the site whose visitors to count: GET /stats/realtime?site=<id>");
}

export function parseStatsQuery(query: Record<string, string | undefined>, rules: ParamRules): StatsQuery {
  unknownParameter(query, KNOWN, "/stats");
  const parsed = SCHEMA.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw bad(String(issue.path[0]), issue.message);
  }
  const p = parsed.data;
  const site = siteOf(p.site, rules.sites, "Name the site to report on: GET /stats?site=<id>");
  if (p.from > p.to) throw bad("from", `must not be after "to" (${p.to})`);
  const days = daysIn(p.from, p.to);
  if (days > rules.retentionDays)
    throw bad("to", `makes a range of ${days} days, longer than the retention of ${rules.retentionDays} days (eventRetentionDays)`);
  const oldest = dayText(rules.now - (rules.retentionDays - 1) * MS_PER_DAY);
  if (p.from < oldest)
    throw bad("from", `is before ${oldest}, the oldest day the archive keeps (eventRetentionDays ${rules.retentionDays})`);
  const view = p.view ?? "aggregate";
  const misplaced = (name: "interval" | "by" | "limit", wanted: StatsView) => {
    if (p[name] !== undefined && view !== wanted) throw bad(name, `applies only to view=${wanted}`);
  };
  misplaced("interval", "timeseries");
  misplaced("by", "breakdown");
  misplaced("limit", "breakdown");
  const base = { site, from: p.from, to: p.to };
  if (view === "timeseries") {
    if (!p.interval) throw bad("interval", "is required with view=timeseries (day or hour)");
    return { ...base, view, interval: p.interval as StatsInterval };
  }
  if (view === "breakdown") {
    if (!p.by) throw bad("by", "is required with view=breakdown (page, referrer or event_type)");
    return { ...base, view, by: p.by as StatsDimension, limit: p.limit ?? BREAKDOWN_LIMIT.default };
  }
  return { ...base, view: "aggregate" };
}
