/**
 * GET /stats through the real handler core (functions/stats/handler.ts: key check, parameters, SQL,
 * engine, answer) over any engine, as the tests ask it: a 200 is required, its body returned.
 */
import { expect } from "chai";
import type { SiteTable } from "../../functions/core/admission";
import type { StatsEngine } from "../../functions/stats/engine";
import { handleStats, type StatsDeps } from "../../functions/stats/handler";

const KEY = "k".repeat(43);

export interface AskOptions {
  /** The SQL's relation: the view `events` (DuckDB, the default) or athenaRelation(…) for the Athena engine. */
  relation?: string;
  sites?: SiteTable;
  /** The clock the retention check uses. */
  now: number;
  retentionDays?: number;
}

/** The JSON answer, read field by field by the tests. */
export type Ask = (query: Record<string, string>) => Promise<any>;

export function statsAsker(engine: StatsEngine, options: AskOptions): Ask {
  const deps: StatsDeps = {
    engine,
    relation: options.relation,
    key: async () => KEY,
    rules: () => ({ retentionDays: options.retentionDays ?? 90, sites: options.sites, now: options.now }),
    readRealtime: async (site) => ({ site, active_sessions: 0, active_users: 0, top_pages: [], generated_at: "" }),
    page: { app: "<app>", login: "<login>" },
  };
  return async (query) => {
    const outcome = await handleStats(
      { method: "GET", path: "/stats", headers: { authorization: `Bearer ${KEY}` }, query, requestId: "t" },
      deps,
    );
    expect(outcome.result.statusCode, outcome.result.body).to.equal(200);
    return JSON.parse(outcome.result.body);
  };
}
