/**
 * The realtime counters' layout (docs/architecture.md, "Realtime at constant cost"): the one place
 * that fixes how many minutes a bucket item covers, how many items a snapshot reads and when the
 * buckets are sharded. Plain data and arithmetic, no imports from outside contracts/.
 */
import { ACTIVE_WINDOW_MS } from "./tables";

export const MINUTE_MS = 60_000;

/** Minutes a session stays active after the minute of its last activity (that minute included). */
export const ACTIVE_WINDOW_MINUTES = ACTIVE_WINDOW_MS / MINUTE_MS;

/**
 * Minutes after the reader's minute a last activity can fall in: the collector accepts client
 * times up to 5 minutes ahead of its clock (docs/api.md), plus one minute for the clocks of two
 * Lambda hosts disagreeing across a minute boundary.
 */
export const FUTURE_MINUTES = 6;

/** Minutes one bucket item covers, one sub-counter per minute. */
export const SLOT_MINUTES = 6;

/** One DynamoDB partition takes about 1,000 write units a second (Developer Guide, "Partitions and data distribution"). */
export const PARTITION_WRITE_UNITS = 1_000;

/** Pages a snapshot lists. */
export const TOP_PAGES = 10;

/** The minutes a snapshot at `nowMinute` counts: last activity at or after `from` (and at most `to`, as accepted). */
export function countedMinutes(nowMinute: number): { from: number; to: number } {
  return { from: nowMinute - ACTIVE_WINDOW_MINUTES + 1, to: nowMinute + FUTURE_MINUTES };
}

/** The slots a snapshot reads: every slot holding a counted minute. */
export function slotsRead(nowMinute: number): number[] {
  const { from, to } = countedMinutes(nowMinute);
  const slots: number[] = [];
  for (let slot = Math.floor(from / SLOT_MINUTES); slot <= Math.floor(to / SLOT_MINUTES); slot++) slots.push(slot);
  return slots;
}

/** The most slots any snapshot reads: the counted span, 36 minutes, touches at most ⌊35/6⌋ + 2 = 7 slots. */
export const MAX_SLOTS_READ = Math.floor((ACTIVE_WINDOW_MINUTES + FUTURE_MINUTES - 1) / SLOT_MINUTES) + 2;

/** Shards per bucket for a site whose buckets take `peakWritesPerSecond` writes a second at peak. */
export function realtimeShards(peakWritesPerSecond: number): number {
  return Math.max(1, Math.ceil(peakWritesPerSecond / PARTITION_WRITE_UNITS));
}

/** Items one snapshot reads at most: every slot of every shard. */
export const itemsReadPerSnapshot = (shards: number) => MAX_SLOTS_READ * shards;
