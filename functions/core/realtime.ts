import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Clock } from "./collect";
import type { DynamoSender } from "./store";

export interface RealtimeSnapshot {
  site: string;
  active_sessions: number;
  active_users: number;
  top_pages: { page_url: string; sessions: number }[];
  generated_at: string;
  /** Present (true) only when the page cap stopped the scan early; never a silent cut. */
  truncated?: true;
}

export interface RealtimeDeps {
  /** The document client (functions/shared/clients.ts): faults injected on the client under it still apply. */
  db: DynamoSender;
  table: string;
  /** How long a snapshot is reused (docs/api.md: at most 5 s). */
  cacheMs: number;
  /** Upper bound on Query pages (1 MB each) per snapshot, so one request cannot read without end. */
  maxPages: number;
  /** Items per Query page; absent = DynamoDB's 1 MB pages. */
  pageSize?: number;
}

export const TOP_PAGES = 10;

/** The projected attributes, unmarshalled by lib-dynamodb; absent or non-string values are skipped. */
export interface ActiveRow {
  user_id?: unknown;
  current_page?: unknown;
}

/**
 * Reads one site's live ActiveSessions rows: a Query on the site's partition (the table's hash
 * key), so the cost is that site's rows, not every site's. TTL deletion lags, so `expires_at >
 * now` is filtered here.
 */
async function queryActive(deps: RealtimeDeps, siteId: string, nowMs: number): Promise<{ rows: ActiveRow[]; truncated: boolean }> {
  const rows: ActiveRow[] = [];
  let startKey: Record<string, unknown> | undefined;
  for (let page = 0; page < deps.maxPages; page++) {
    const out = await deps.db.send(
      new QueryCommand({
        TableName: deps.table,
        KeyConditionExpression: "site_id = :site",
        ProjectionExpression: "user_id, current_page",
        FilterExpression: "expires_at > :now",
        ExpressionAttributeValues: { ":site": siteId, ":now": Math.floor(nowMs / 1000) },
        ExclusiveStartKey: startKey,
        Limit: deps.pageSize,
      }),
    );
    rows.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
    if (!startKey) return { rows, truncated: false };
  }
  return { rows, truncated: true };
}

export function summarise(siteId: string, rows: ActiveRow[], nowMs: number, truncated: boolean): RealtimeSnapshot {
  const users = new Set<string>();
  const pages = new Map<string, number>();
  for (const row of rows) {
    if (typeof row.user_id === "string" && row.user_id) users.add(row.user_id);
    const page = row.current_page;
    if (typeof page === "string" && page) pages.set(page, (pages.get(page) ?? 0) + 1);
  }
  const top_pages = [...pages]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_PAGES)
    .map(([page_url, sessions]) => ({ page_url, sessions }));
  const snapshot: RealtimeSnapshot = {
    site: siteId,
    active_sessions: rows.length,
    active_users: users.size,
    top_pages,
    generated_at: new Date(nowMs).toISOString(),
  };
  if (truncated) snapshot.truncated = true;
  return snapshot;
}

/**
 * Returns a reader that serves one snapshot per site per `cacheMs`; concurrent callers for a site
 * share the read in flight, and a failed read is not cached. Only known sites reach it (the
 * handler checks), so the cache holds at most one entry per configured site.
 */
export function createRealtimeReader(deps: RealtimeDeps, clock: Clock): (siteId: string) => Promise<RealtimeSnapshot> {
  const cached = new Map<string, { at: number; snapshot: Promise<RealtimeSnapshot> }>();
  return (siteId) => {
    const now = clock.now();
    const hit = cached.get(siteId);
    if (hit && now - hit.at < deps.cacheMs) return hit.snapshot;
    const snapshot = queryActive(deps, siteId, now).then(({ rows, truncated }) => summarise(siteId, rows, now, truncated));
    const entry = { at: now, snapshot };
    cached.set(siteId, entry);
    snapshot.catch(() => {
      if (cached.get(siteId) === entry) cached.delete(siteId);
    });
    return snapshot;
  };
}

/**
 * The stats dashboard's live count (functions/stats.ts): one site's reader bound to the stack's
 * default site, else its only (or first) one; the dashboard has no site picker yet (docs/sites.md).
 */
export function stackSiteReader(
  read: (siteId: string) => Promise<RealtimeSnapshot>,
  env: { readonly sites: readonly { readonly id: string }[]; readonly defaultSite?: string },
): () => Promise<RealtimeSnapshot> {
  const site = env.defaultSite ?? env.sites[0]?.id ?? "local";
  return () => read(site);
}
