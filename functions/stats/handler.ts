/**
 * The stats function's core: GET /stats, GET /stats/realtime and GET /dashboard, each behind the
 * Bearer key (functions/stats/auth.ts), answered from a StatsEngine (Athena on AWS, DuckDB in local
 * mode). No CORS headers: the page is same-origin, and no other site needs these answers.
 * /stats and /stats/realtime answer for one site, resolved by one rule (params.ts → admission.ts);
 * the page is served with the stack's site ids filled in (page.ts).
 * Guard clauses first: method, key, parameters; then the one query; one request line per request.
 */
import { STATS_PATHS } from "../../contracts/stats";
import { requestedSite, type SiteTable } from "../core/admission";
import type { Outcome } from "../core/collect";
import { ClientError, clientErrorResult, type HttpResult, jsonResult, methodNotAllowed } from "../core/errors";
import type { RealtimeSnapshot } from "../core/realtime";
import type { HttpRequest } from "../core/request";
import { createHandler } from "../shared/lambda";
import type { LogSink } from "../shared/logger";
import { bearerToken, type KeySource, keysMatch } from "./auth";
import { EngineUnavailableError, type StatsEngine } from "./engine";
import { type PageSites, pageWithSites } from "./page";
import { type ParamRules, parseRealtimeQuery, parseStatsQuery } from "./params";
import { statsResponse } from "./results";
import { statsSql } from "./sql";

export interface DashboardPage {
  /** The full page (app + plot library inline, SITES_SLOT for the site list), served only to a request with the key. */
  readonly app: string;
  /** The key form, the 401 body of /dashboard: asks once, keeps the key in sessionStorage. */
  readonly login: string;
}

export interface StatsDeps {
  engine: StatsEngine;
  key: KeySource;
  rules: () => ParamRules;
  /** One site's live count (functions/core/realtime.ts createRealtimeReader); only known sites reach it. */
  readRealtime: (siteId: string) => Promise<RealtimeSnapshot>;
  page: DashboardPage;
  /** What the SQL reads: the view `events` (DuckDB) or the view's text over the Glue table (Athena). */
  relation?: string;
}

const PRIVATE = { "cache-control": "no-store", "x-content-type-options": "nosniff" };
const none = { events: 0, rejected: 0, sessions: 0, sessionsCreated: 0 };
const UNAUTHORIZED =
  "Send the stats key as Authorization: Bearer <key> (local mode prints it at start; on AWS it is in Secrets Manager, docs/stats.md).";

function html(statusCode: number, body: string, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: {
      "content-type": "text/html; charset=utf-8",
      // Everything is inline and same-origin: no request may leave the page (it works offline).
      "content-security-policy":
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
      ...PRIVATE,
      ...headers,
    },
    body,
  };
}

const unauthorized = (request: HttpRequest, page: DashboardPage): HttpResult => {
  const challenge = { "www-authenticate": 'Bearer realm="liveinsight-stats"' };
  if (request.path === STATS_PATHS.dashboard) return html(401, page.login, challenge);
  return jsonResult(401, { error: "Unauthorized", message: UNAUTHORIZED }, { ...PRIVATE, ...challenge });
};

async function authorized(request: HttpRequest, key: KeySource): Promise<boolean> {
  const token = bearerToken(request.headers.authorization);
  const expected = await key();
  // Compared even without a token, so a missing header takes the same path as a wrong one.
  return keysMatch(token ?? "", expected) && token !== undefined;
}

const unavailable = (what: string) =>
  jsonResult(
    503,
    { error: "StatsUnavailable", message: `${what} could not be answered right now; retry shortly.`, retryable: true },
    PRIVATE,
  );

/** The picker's sites: every id, and the one /stats answers for without `site` (the same rule, admission.ts). */
export function pageSites(table: SiteTable | undefined): PageSites {
  if (!table) return { ids: [] };
  return { ids: table.sites.map((s) => s.id), implied: requestedSite(undefined, table, "").site?.id };
}

async function answer(request: HttpRequest, deps: StatsDeps): Promise<Outcome> {
  if (request.path === STATS_PATHS.dashboard)
    return { ...none, result: html(200, pageWithSites(deps.page.app, pageSites(deps.rules().sites))) };
  if (request.path === STATS_PATHS.realtime) {
    const site = parseRealtimeQuery(request.query ?? {}, deps.rules());
    try {
      const snapshot = await deps.readRealtime(site);
      return { ...none, result: jsonResult(200, snapshot, PRIVATE) };
    } catch (error) {
      return { ...none, result: unavailable("The live count"), error };
    }
  }
  const query = parseStatsQuery(request.query ?? {}, deps.rules());
  try {
    const table = await deps.engine.run(statsSql(query, deps.relation));
    return { ...none, result: jsonResult(200, statsResponse(query, table), PRIVATE) };
  } catch (error) {
    if (!(error instanceof EngineUnavailableError)) throw error;
    return { ...none, result: unavailable("The stats query"), error };
  }
}

export async function handleStats(request: HttpRequest, deps: StatsDeps): Promise<Outcome> {
  try {
    if (request.method !== "GET") throw methodNotAllowed(request, "GET", "GET");
    if (!(await authorized(request, deps.key))) return { ...none, result: unauthorized(request, deps.page) };
    return await answer(request, deps);
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    const result = clientErrorResult(error);
    return { ...none, result: { ...result, headers: { ...result.headers, ...PRIVATE } }, error };
  }
}

/** The Lambda handler (and local mode's): one request line per request, never a stack trace out. */
export function statsHandler(environment: string, deps: StatsDeps, log: LogSink) {
  return createHandler({ service: "stats", environment, log }, (request) => handleStats(request, deps));
}
