/**
 * Sites (docs/sites.md): which site an event belongs to, which pages may send it, and how the
 * site table travels from the stack config to the collector. The one rule set for a site:
 * config.ts checks `liveinsight:sites` with it at preview, the collector reads the same JSON back
 * from its environment at cold start (no per-request lookup), local mode adds its own sites, and
 * the CORS origins of the API are derived from the hosts here.
 *
 * Plain TypeScript without imports from outside contracts/: it is bundled into the collector.
 */

export interface Site {
  /** Public slug, sent by the tracker as `site_id` (its `data-site`); not a secret. */
  readonly id: string;
  /** Hosts whose pages may send events: `example.com`, `*.example.com` (subdomains only), `localhost:8080`; `*` = any (local mode). */
  readonly hosts: readonly string[];
  /** Accept requests with neither Origin nor Referer (server-side senders, the load tester). */
  readonly allowServer: boolean;
}

export const SITE_ID = /^[a-z0-9-]{3,40}$/;
export const SITE_ID_RULE = "must be 3-40 characters of a-z, 0-9 or '-'";
/** A DNS name (lower case), optionally `*.` in front; a port only on a loopback host. */
const HOST = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d{1,5})?$/;
export const HOST_RULE =
  'must be a host name like "example.com" or "*.example.com" (lower case, no scheme, path or port; a port only on localhost / 127.0.0.1 / [::1])';
/** The one host that matches every page: only local mode's own site `local` and LIVEINSIGHT_SITES may use it. */
export const ANY_HOST = "*";

/** Local mode's site: every host, server-side senders too (curl, the load tester). */
export const LOCAL_SITE: Site = Object.freeze({ id: "local", hosts: Object.freeze([ANY_HOST]), allowServer: true });

/**
 * The functions' environment is at most 4 KB, names and values of every variable together
 * ("The total size of all environment variables doesn't exceed 4 KB",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html). The other variables
 * take about 400 bytes (tests/contracts/sites.test.ts measures the whole environment), so the site
 * table may take this much.
 */
export const SITES_ENV_MAX_BYTES = 3_400;
/** How many known ids an UnknownSite message lists before it says "and N more". */
export const KNOWN_IDS_LISTED = 10;

export class SitesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SitesError";
  }
}

/** The problem with a `site_id` value, or undefined when it is a well-formed id. */
export function siteIdProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return "must be a string";
  return SITE_ID.test(value) ? undefined : SITE_ID_RULE;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function hostProblem(host: unknown, anyHost: boolean): string | undefined {
  if (typeof host !== "string") return "must be a string";
  if (host === ANY_HOST) return anyHost ? undefined : `"*" is local mode's alone; list the site's hosts`;
  return HOST.test(host) || LOOPBACK.test(host) ? undefined : HOST_RULE;
}

function parseSite(raw: unknown, index: number, anyHost: boolean): Site {
  if (!isRecord(raw)) throw new SitesError(`sites[${index}] must be an object {"id", "hosts", "allowServer"}; got ${JSON.stringify(raw)}`);
  const id = raw.id;
  const where = typeof id === "string" ? `sites[${index}] ("${id}")` : `sites[${index}]`;
  const unknown = Object.keys(raw).filter((k) => !["id", "hosts", "allowServer"].includes(k));
  if (unknown.length) throw new SitesError(`${where} has no field "${unknown[0]}" (known: id, hosts, allowServer)`);
  const idProblem = siteIdProblem(id);
  if (idProblem) throw new SitesError(`${where}.id ${idProblem}; got ${JSON.stringify(id)}`);
  const hosts = raw.hosts;
  if (!Array.isArray(hosts) || hosts.length === 0)
    throw new SitesError(`${where}.hosts must list at least one host like "example.com"; got ${JSON.stringify(hosts)}`);
  hosts.forEach((host, h) => {
    const problem = hostProblem(host, anyHost);
    if (problem) throw new SitesError(`${where}.hosts[${h}] ${problem}; got ${JSON.stringify(host)}`);
  });
  const allowServer = raw.allowServer ?? false;
  if (typeof allowServer !== "boolean")
    throw new SitesError(`${where}.allowServer must be true or false; got ${JSON.stringify(raw.allowServer)}`);
  return Object.freeze({ id: id as string, hosts: Object.freeze([...new Set(hosts as string[])]), allowServer });
}

/** Checks a site list (JSON text or parsed); the message names the site's index, id and field. */
export function parseSites(value: unknown, options: { anyHost?: boolean } = {}): readonly Site[] {
  let list = value;
  if (typeof list === "string") {
    try {
      list = JSON.parse(list);
    } catch {
      throw new SitesError(`sites must be a JSON list of sites; got ${JSON.stringify(value)}`);
    }
  }
  if (!Array.isArray(list)) throw new SitesError(`sites must be a list of sites; got ${JSON.stringify(list)}`);
  const sites = list.map((raw, i) => parseSite(raw, i, options.anyHost ?? false));
  const seen = new Set<string>();
  sites.forEach((site, i) => {
    if (seen.has(site.id)) throw new SitesError(`sites[${i}] ("${site.id}").id repeats an earlier site's id; every id must be unique`);
    seen.add(site.id);
  });
  return Object.freeze(sites);
}

/** Checks that a default site names one of the sites. */
export function checkDefaultSite(defaultSite: string | undefined, sites: readonly Site[]): void {
  if (defaultSite === undefined) return;
  if (!sites.some((s) => s.id === defaultSite))
    throw new SitesError(`defaultSite "${defaultSite}" is not the id of a site (known: ${knownIds(sites)})`);
}

/** The ids for a message: all of them when few, else the first KNOWN_IDS_LISTED and a count. */
export function knownIds(sites: readonly Site[]): string {
  if (sites.length === 0) return "none";
  const ids = sites.map((s) => s.id);
  const more = ids.length - KNOWN_IDS_LISTED;
  return more > 0 ? `${ids.slice(0, KNOWN_IDS_LISTED).join(", ")} and ${more} more` : ids.join(", ");
}

/** The SITES variable: compact JSON, allowServer written only when true (bytes count against 4 KB). */
export function sitesEnvValue(sites: readonly Site[]): string {
  return JSON.stringify(sites.map((s) => (s.allowServer ? { id: s.id, hosts: s.hosts, allowServer: true } : { id: s.id, hosts: s.hosts })));
}

/** Whether a site host pattern matches a request's host (`name` or `name:port`, lower case). */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === ANY_HOST) return true;
  const hostname = host.replace(/:\d+$/, "");
  if (pattern.startsWith("*.")) return hostname.endsWith(pattern.slice(1)) && hostname.length > pattern.length - 1;
  // A pattern with a port (loopback only) must match it; one without matches the name on any port.
  return /:\d+$/.test(pattern) ? host === pattern : hostname === pattern;
}

/** The host (`name[:port]`, lower case) of an Origin or Referer value; undefined for "null" or a non-URL. */
export function hostOfUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.host.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The API's CORS allowOrigins for the sites. API Gateway HTTP APIs accept only exact origins,
 * `*`, `https://*` and `http://*` (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html,
 * the allowOrigins examples), so a `*.example.com` host becomes `https://*`: the browser's CORS
 * check then passes for any https page, and the collector's own Origin check (403
 * OriginNotAllowed) is what keeps other hosts out. Loopback hosts are http, every other https.
 */
export function siteCorsOrigins(sites: readonly Site[]): string[] {
  const origins = new Set<string>();
  for (const site of sites) {
    for (const host of site.hosts) {
      if (host === ANY_HOST) origins.add("*");
      else if (host.startsWith("*.")) origins.add("https://*");
      else origins.add(LOOPBACK.test(host) ? `http://${host}` : `https://${host}`);
    }
  }
  return origins.has("*") ? ["*"] : [...origins];
}

/**
 * The API's allowOrigins: the stack's extra `corsOrigins` (e.g. a dashboard reading /realtime)
 * and the sites' origins, without repeats; `*` in either allows any origin and stands alone.
 */
export function apiCorsOrigins(extra: readonly string[], sites: readonly Site[]): string[] {
  const all = [...new Set([...extra, ...siteCorsOrigins(sites)])];
  return all.includes("*") ? ["*"] : all;
}
