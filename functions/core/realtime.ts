import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Clock } from "./collect";
import type { DynamoSender } from "./store";

export interface RealtimeSnapshot {
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
  /** Upper bound on Scan pages (1 MB each) per snapshot, so one request cannot scan without end. */
  maxPages: number;
  /** Items per Scan page; absent = DynamoDB's 1 MB pages. */
  pageSize?: number;
}

export const TOP_PAGES = 10;

/** The projected attributes, unmarshalled by lib-dynamodb; absent or non-string values are skipped. */
export interface ActiveRow {
  user_id?: unknown;
  current_page?: unknown;
}

/** Scans every live ActiveSessions row: TTL deletion lags, so `expires_at > now` is filtered here. */
async function scanActive(deps: RealtimeDeps, nowMs: number): Promise<{ rows: ActiveRow[]; truncated: boolean }> {
  const rows: ActiveRow[] = [];
  let startKey: Record<string, unknown> | undefined;
  for (let page = 0; page < deps.maxPages; page++) {
    const out = await deps.db.send(
      new ScanCommand({
        TableName: deps.table,
        ProjectionExpression: "user_id, current_page",
        FilterExpression: "expires_at > :now",
        ExpressionAttributeValues: { ":now": Math.floor(nowMs / 1000) },
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

export function summarise(rows: ActiveRow[], nowMs: number, truncated: boolean): RealtimeSnapshot {
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
    active_sessions: rows.length,
    active_users: users.size,
    top_pages,
    generated_at: new Date(nowMs).toISOString(),
  };
  if (truncated) snapshot.truncated = true;
  return snapshot;
}

/**
 * Returns a reader that serves one snapshot per `cacheMs`; concurrent callers share the scan in
 * flight, and a failed scan is not cached.
 */
export function createRealtimeReader(deps: RealtimeDeps, clock: Clock): () => Promise<RealtimeSnapshot> {
  let cached: { at: number; snapshot: Promise<RealtimeSnapshot> } | undefined;
  return () => {
    const now = clock.now();
    if (cached && now - cached.at < deps.cacheMs) return cached.snapshot;
    const snapshot = scanActive(deps, now).then(({ rows, truncated }) => summarise(rows, now, truncated));
    const entry = { at: now, snapshot };
    cached = entry;
    snapshot.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return snapshot;
  };
}
