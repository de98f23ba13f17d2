/**
 * Where the realtime counters live, as pure functions (contracts/realtime.ts fixes the numbers).
 * A site's bucket item for slot `k` covers minutes [6k, 6k + 5] (epoch minutes) and holds, per
 * minute offset `o` of the slot:
 *   s<o>          sessions whose last activity is in that minute,
 *   u<o>          users whose latest last activity (over their sessions) is in that minute,
 *   p<o>:<url>    sessions of `s<o>` whose current page is <url>.
 * Top-level attributes only: DynamoDB's ADD works on top-level attributes, not on map entries
 * (Developer Guide, "Update expressions", ADD:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html#Expressions.UpdateExpressions.ADD).
 */
import { createHash } from "node:crypto";
import { ACTIVE_WINDOW_MINUTES, countedMinutes, MINUTE_MS, SLOT_MINUTES, slotsRead } from "../../contracts/realtime";

/** What one session or user contributes: the minute of its last activity and (sessions only) its current page. */
export interface Mark {
  minute: number;
  page?: string;
}

export type CounterKind = "session" | "user";

/** Counter changes by bucket item key, then attribute name. */
export type Deltas = Map<string, Map<string, number>>;

/**
 * Minutes this far before the counted window are never read again (a reader's clock may lag a
 * writer's by a moment), so moves leave them alone instead of re-creating expired items.
 */
export const STALE_MARGIN_MINUTES = 2;

export const minuteOf = (ms: number) => Math.floor(ms / MINUTE_MS);

/** The oldest minute a move at `nowMs` still updates. */
export const freshFrom = (nowMs: number) => minuteOf(nowMs) - ACTIVE_WINDOW_MINUTES - STALE_MARGIN_MINUTES;

/** Which shard an entity's counters go to: a hash of its key, so every move of it lands on the same shard. */
export function shardOf(entityKey: string, shards: number): number {
  if (shards <= 1) return 0;
  return createHash("sha256").update(entityKey).digest().readUInt32BE(0) % shards;
}

/** `<site>#<slot>`, with `#<shard>` for shards after the first (an unsharded stack's keys stay valid when it shards). */
export function bucketKey(site: string, slot: number, shard: number): string {
  return shard === 0 ? `${site}#${slot}` : `${site}#${slot}#${shard}`;
}

/** The record that holds a user's counted minute. Slots are digits, so `user` never collides with one. */
export const userRecordKey = (site: string, userId: string) => `${site}#user#${userId}`;

/** Every bucket key a snapshot of `site` at `nowMs` reads. */
export function bucketKeysRead(site: string, nowMs: number, shards: number): string[] {
  return slotsRead(minuteOf(nowMs)).flatMap((slot) => Array.from({ length: shards }, (_, shard) => bucketKey(site, slot, shard)));
}

/** The slot a bucket key names (NaN for anything else, a user record included). */
export function slotOfKey(key: string): number {
  const parts = key.split("#");
  return parts.length >= 2 && /^-?\d+$/.test(parts[1]) ? Number(parts[1]) : Number.NaN;
}

/** Seconds since the epoch after which no snapshot reads the slot (its TTL). */
export function slotExpiry(slot: number): number {
  const lastMinute = slot * SLOT_MINUTES + SLOT_MINUTES - 1;
  return (lastMinute + ACTIVE_WINDOW_MINUTES + STALE_MARGIN_MINUTES + 1) * 60;
}

/** The counters `mark` adds 1 to. */
function countersOf(kind: CounterKind, mark: Mark): string[] {
  const offset = ((mark.minute % SLOT_MINUTES) + SLOT_MINUTES) % SLOT_MINUTES;
  if (kind === "user") return [`u${offset}`];
  return mark.page ? [`s${offset}`, `p${offset}:${mark.page}`] : [`s${offset}`];
}

/**
 * The net counter changes of moving an entity from `from` to `to` (either absent): -1 on what
 * `from` counted, +1 on what `to` counts, minutes before `fresh` left out.
 */
export function moveDeltas(
  kind: CounterKind,
  where: { site: string; entityKey: string; shards: number },
  from: Mark | undefined,
  to: Mark | undefined,
  fresh: number,
): Deltas {
  const deltas: Deltas = new Map();
  const shard = shardOf(where.entityKey, where.shards);
  const add = (mark: Mark | undefined, by: number) => {
    if (!mark || mark.minute < fresh) return;
    const key = bucketKey(where.site, Math.floor(mark.minute / SLOT_MINUTES), shard);
    const item = deltas.get(key) ?? new Map<string, number>();
    for (const name of countersOf(kind, mark)) item.set(name, (item.get(name) ?? 0) + by);
    deltas.set(key, item);
  };
  add(from, -1);
  add(to, 1);
  for (const [key, item] of deltas) {
    for (const [name, by] of item) if (by === 0) item.delete(name);
    if (item.size === 0) deltas.delete(key);
  }
  return deltas;
}

export interface CounterTotals {
  sessions: number;
  users: number;
  pages: Map<string, number>;
}

const COUNTER = /^([su])(\d+)$/;
const PAGE = /^p(\d+):(.+)$/s;

/**
 * Adds up the counters of bucket items for the minutes a snapshot at `nowMs` counts (every minute
 * from the window's first on: the slots read reach past the latest minute the collector accepts);
 * other attributes (tokens, expiry) are skipped.
 */
export function sumBuckets(items: readonly Record<string, unknown>[], nowMs: number): CounterTotals {
  const { from } = countedMinutes(minuteOf(nowMs));
  const totals: CounterTotals = { sessions: 0, users: 0, pages: new Map() };
  for (const item of items) {
    const slot = slotOfKey(String(item.counter_key));
    if (Number.isNaN(slot)) continue;
    for (const [name, raw] of Object.entries(item)) {
      const value = Number(raw);
      const counter = COUNTER.exec(name);
      const page = counter ? null : PAGE.exec(name);
      const offset = counter?.[2] ?? page?.[1];
      if (offset === undefined || !Number.isFinite(value)) continue;
      const minute = slot * SLOT_MINUTES + Number(offset);
      if (minute < from) continue;
      if (counter?.[1] === "s") totals.sessions += value;
      else if (counter) totals.users += value;
      else totals.pages.set(page![2], (totals.pages.get(page![2]) ?? 0) + value);
    }
  }
  return totals;
}
