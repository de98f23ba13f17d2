/**
 * Object names. Every name is a function of the content it holds, never of the clock or a random
 * id, so re-running the same work writes the same object (an S3 PUT replaces it whole): that is
 * what makes the archiver and compaction safe to re-run (at least once in, exactly once as queried).
 */
import { createHash } from "node:crypto";
import { ARCHIVE_EVENTS_PREFIX, ARCHIVE_PARTITION_COLUMN } from "../../contracts/archive";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC day (YYYY-MM-DD) of an epoch-ms time: the `dt` partition. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export const dayPrefix = (day: string) => `${ARCHIVE_EVENTS_PREFIX}${ARCHIVE_PARTITION_COLUMN}=${day}/`;

const digest = (parts: readonly string[]) => createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 16);

/**
 * A batch's object for one day: first and last stream sequence numbers of that day's records in the
 * batch, plus a digest of their keys (sequence numbers are per shard; the digest keeps two shards'
 * batches apart).
 */
export function batchObjectKey(day: string, sequenceNumbers: readonly string[], eventKeys: readonly string[]): string {
  return `${dayPrefix(day)}b-${sequenceNumbers[0]}-${sequenceNumbers[sequenceNumbers.length - 1]}-${digest(eventKeys)}.parquet`;
}

export const COMPACTED_PREFIX = "c-";

/** A compacted file of a day: the digest of the day's deduplicated event identities, and its part. */
export function compactedObjectKey(day: string, identities: readonly string[], part: number, parts: number): string {
  return `${dayPrefix(day)}${COMPACTED_PREFIX}${digest(identities)}-${part + 1}of${parts}.parquet`;
}

export interface ParsedKey {
  day: string;
  compacted: boolean;
}

/** Parses an archive object key; anything else under the prefix (a stray file) → undefined. */
export function parseObjectKey(key: string): ParsedKey | undefined {
  const match = /^(?:.*\/)?dt=([^/]+)\/([^/]+)\.parquet$/.exec(key);
  if (!match || !key.startsWith(ARCHIVE_EVENTS_PREFIX) || !DAY.test(match[1])) return undefined;
  return { day: match[1], compacted: match[2].startsWith(COMPACTED_PREFIX) };
}

/** Stream sequence numbers are decimal strings of varying length: compare them as numbers. */
export function compareSequence(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
