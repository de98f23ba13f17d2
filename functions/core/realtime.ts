import { BatchGetCommand } from "@aws-sdk/lib-dynamodb";
import { realtimeShards, TOP_PAGES } from "../../contracts/realtime";
import type { Clock } from "./collect";
import { StorageUnavailableError } from "./errors";
import { bucketKeysRead, type CounterTotals, sumBuckets } from "./realtime-buckets";
import { backoffDelay, type DynamoSender, type Item } from "./store";

export interface RealtimeSnapshot {
  site: string;
  active_sessions: number;
  active_users: number;
  top_pages: { page_url: string; sessions: number }[];
  generated_at: string;
}

export interface RealtimeDeps {
  /** The document client (functions/shared/clients.ts): faults injected on the client under it still apply. */
  db: DynamoSender;
  /** The counters table (the ActiveSessions slot, contracts/tables.ts). */
  table: string;
  /** How long a snapshot is reused (docs/api.md: at most 5 s). */
  cacheMs: number;
  /** Shards per bucket (contracts/realtime.ts realtimeShards): every shard is read. */
  shards: number;
  sleep?: (ms: number) => Promise<void>;
}

export { TOP_PAGES };

/** How long a snapshot is reused: the contract allows up to 5 s (docs/api.md). */
export const REALTIME_CACHE_MS = 5_000;

/** Rounds of UnprocessedKeys a snapshot retries before it gives up (BatchGetItem may return some keys unread). */
const MAX_READ_ROUNDS = 5;

/**
 * Reads a site's bucket items: at most 7 per shard (contracts/realtime.ts MAX_SLOTS_READ) whatever
 * the number of live sessions, in one BatchGetItem (100 keys per call), eventually consistent.
 * BatchGetItem returns absent items as nothing and may return some keys in UnprocessedKeys, which
 * are asked again (BatchGetItem API reference:
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html).
 */
async function readBuckets(deps: RealtimeDeps, siteId: string, nowMs: number): Promise<Item[]> {
  const found: Item[] = [];
  let pending: Item[] = bucketKeysRead(siteId, nowMs, deps.shards).map((counter_key) => ({ counter_key }));
  for (let round = 1; pending.length > 0; round++) {
    if (round > MAX_READ_ROUNDS)
      throw new StorageUnavailableError(`${pending.length} realtime buckets of ${siteId} still unread after ${MAX_READ_ROUNDS} rounds`);
    if (round > 1) await (deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(backoffDelay(round, Math.random));
    const out = await deps.db.send(new BatchGetCommand({ RequestItems: { [deps.table]: { Keys: pending } } }));
    found.push(...(out.Responses?.[deps.table] ?? []));
    pending = out.UnprocessedKeys?.[deps.table]?.Keys ?? [];
  }
  return found;
}

/** The snapshot of summed counters: pages with a positive count, most sessions first, then by URL. */
export function summarise(siteId: string, totals: CounterTotals, nowMs: number): RealtimeSnapshot {
  const top_pages = [...totals.pages]
    .filter(([, sessions]) => sessions > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_PAGES)
    .map(([page_url, sessions]) => ({ page_url, sessions }));
  return {
    site: siteId,
    active_sessions: totals.sessions,
    active_users: totals.users,
    top_pages,
    generated_at: new Date(nowMs).toISOString(),
  };
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
    const snapshot = readBuckets(deps, siteId, now).then((items) => summarise(siteId, sumBuckets(items, now), now));
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

/** The reader every caller uses (GET /realtime, the stats page's live count): the stack's table, shards and the 5 s cache. */
export function realtimeReaderFor(
  env: { readonly tables: { readonly activeSessions: string }; readonly realtimePeakWriteUnits: number },
  db: DynamoSender,
  clock: Clock,
): (siteId: string) => Promise<RealtimeSnapshot> {
  return createRealtimeReader(
    { db, table: env.tables.activeSessions, cacheMs: REALTIME_CACHE_MS, shards: realtimeShards(env.realtimePeakWriteUnits) },
    clock,
  );
}
