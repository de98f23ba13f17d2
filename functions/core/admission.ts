/**
 * Which site a request belongs to and whether its events may count (docs/sites.md), decided
 * before anything is written and without I/O: the site table comes from the environment at cold
 * start. In order: one site per request (400 ValidationError otherwise), a known site (400
 * UnknownSite), a page of that site or a declared server sender (403 OriginNotAllowed), and no
 * bot (200 with `dropped`). Each refusal names its drop reason for the request line.
 */
import type { DropReason } from "../../contracts/request-line";
import { hostMatches, hostOfUrl, knownIds, type Site } from "../../contracts/sites";
import { isBotUserAgent } from "./bots";
import { ClientError, clientErrorResult, type HttpResult, jsonResult } from "./errors";
import type { Problem } from "./validate";

export type { DropReason } from "../../contracts/request-line";

export interface SiteTable {
  readonly sites: readonly Site[];
  readonly byId: ReadonlyMap<string, Site>;
  readonly defaultSite?: string;
}

export function siteTable(sites: readonly Site[], defaultSite?: string): SiteTable {
  return { sites, byId: new Map(sites.map((s) => [s.id, s])), defaultSite };
}

export type Admission =
  | { readonly admitted: true; readonly site: Site }
  | {
      readonly admitted: false;
      readonly result: HttpResult;
      /** Set when the events are dropped (counted by reason); absent for a malformed request (counted as rejected). */
      readonly reason?: DropReason;
      readonly error?: ClientError;
    };

const refuse = (error: ClientError, reason?: DropReason): Admission => ({
  admitted: false,
  result: clientErrorResult(error),
  reason,
  error,
});

/** The site each event names, or the default; one site for the whole request. */
function requestSite(siteIds: readonly (string | undefined)[], table: SiteTable): { id?: string; error?: ClientError } {
  const resolved = siteIds.map((id) => id ?? table.defaultSite);
  const first = resolved[0];
  const mixed: Problem[] = [];
  resolved.forEach((id, index) => {
    if (id !== first)
      mixed.push({
        index,
        field: "site_id",
        problem: `is ${JSON.stringify(id ?? null)} but event 0's is ${JSON.stringify(first ?? null)}; one request carries one site`,
      });
  });
  if (mixed.length) {
    const message = `Every event of a request must belong to one site, nothing was stored: send each site's events in their own request.`;
    return { error: new ClientError(400, "ValidationError", message, mixed, siteIds.length) };
  }
  return { id: first };
}

function unknownSite(id: string | undefined, table: SiteTable): ClientError {
  const known = `known: ${knownIds(table.sites)}`;
  const message =
    id === undefined
      ? `The events name no site_id and this stack has no default site, nothing was stored; set site_id (the tracker's data-site) to one of the stack's sites (${known}).`
      : `site_id "${id}" is not a site of this stack, nothing was stored (${known}).`;
  const problem = id === undefined ? "is required (this stack has no defaultSite)" : `"${id}" is not a site of this stack (${known})`;
  return new ClientError(400, "UnknownSite", message, [{ field: "site_id", problem }], 0);
}

/** The page the request came from: Origin, else Referer (a browser sends one of them with every POST it makes for a page). */
function pageHost(headers: Record<string, string | undefined>): { host?: string; sent: boolean } {
  const value = headers.origin ?? headers.referer;
  return { host: hostOfUrl(value), sent: value !== undefined };
}

function originNotAllowed(site: Site, sent: boolean, host: string | undefined): ClientError {
  const hosts = site.hosts.join(", ");
  const message = !sent
    ? `The request has neither Origin nor Referer and site "${site.id}" does not accept server-side senders (allowServer), nothing was stored.`
    : `The page's host ${host ? `"${host}"` : "(none readable)"} is not a host of site "${site.id}" (${hosts}), nothing was stored.`;
  return new ClientError(403, "OriginNotAllowed", message, undefined, 0);
}

/**
 * Decides the request. A declared server sender (no Origin or Referer, on an allowServer site) is
 * not judged by its User-Agent: SDKs, curl and the load tester all look like scripts to a bot list.
 */
export function admit(siteIds: readonly (string | undefined)[], headers: Record<string, string | undefined>, table: SiteTable): Admission {
  const { id, error } = requestSite(siteIds, table);
  if (error) return refuse(error);
  const site = id === undefined ? undefined : table.byId.get(id);
  if (!site) return refuse(unknownSite(id, table), "unknown_site");
  const page = pageHost(headers);
  const fromPage = page.host !== undefined && site.hosts.some((pattern) => hostMatches(pattern, page.host!));
  if (!fromPage && !(site.allowServer && !page.sent)) return refuse(originNotAllowed(site, page.sent, page.host), "origin");
  if (page.sent && isBotUserAgent(headers["user-agent"]))
    return { admitted: false, reason: "bot", result: jsonResult(200, { accepted: 0, dropped: siteIds.length, reason: "bot" }) };
  return { admitted: true, site };
}

/**
 * The site GET /realtime reports on: `?site=`, else the default site, else the only site; with
 * several sites and no default a missing `site` is a 400 naming the ids.
 */
export function realtimeSite(requested: string | undefined, table: SiteTable): { site?: Site; error?: ClientError } {
  return requestedSite(requested, table, "Name the site whose visitors to count: GET /realtime?site=<id>");
}

/**
 * The site a read names with `?site=` (GET /realtime, GET /stats, GET /stats/realtime): the same
 * rule for each, `ask` says how to name one when none is given and none is implied.
 */
export function requestedSite(requested: string | undefined, table: SiteTable, ask: string): { site?: Site; error?: ClientError } {
  const id = requested ?? table.defaultSite ?? (table.sites.length === 1 ? table.sites[0]!.id : undefined);
  const known = `known: ${knownIds(table.sites)}`;
  if (id === undefined) {
    const message = `${ask} (${known}).`;
    return { error: new ClientError(400, "UnknownSite", message, [{ field: "site", problem: `is required (${known})` }], 0) };
  }
  const site = table.byId.get(id);
  if (site) return { site };
  const message = `site "${id}" is not a site of this stack (${known}).`;
  return {
    error: new ClientError(400, "UnknownSite", message, [{ field: "site", problem: `"${id}" is not a site of this stack (${known})` }], 0),
  };
}
