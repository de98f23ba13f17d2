/**
 * Compaction: a closed day's objects → few files, one row per (site_id, session_id, event_key).
 *
 * Write, then delete, with names derived from the content: the compacted files' names are a
 * digest of the day's deduplicated identities, so a run killed after writing some parts and
 * before deleting the inputs is simply run again: it reads the inputs plus the parts already
 * written, finds the same set of events, writes the same names (same bytes) and then deletes
 * everything else it read. Only objects it read are deleted, so an object the archiver writes into
 * the day meanwhile (a late event) is kept for the next run. Until then queries dedup too
 * (functions/archive/query-sql.ts), so no state in between ever shows an event twice or not at all.
 */
import { COMPACTION_GRACE_MS } from "../../contracts/archive";
import { decodeParquet } from "./decode";
import { compactedObjectKey, dayPrefix, parseObjectKey } from "./naming";
import { encodeParquet } from "./parquet";
import type { ArchiveRow } from "./row";
import type { ArchiveStore } from "./store";

/** Rows per compacted file: a day stays one file up to a million events (~50 MB). */
export const MAX_ROWS_PER_FILE = 1_000_000;

export const identityOfRow = (r: ArchiveRow) => `${r.site_id}|${r.session_id}|${r.event_key}`;

/** The copy kept of duplicates: first received; ties (identical images) broken by content, so any order gives the same. */
function preferred(a: ArchiveRow, b: ArchiveRow): ArchiveRow {
  if (a.received_at !== b.received_at) return a.received_at < b.received_at ? a : b;
  return JSON.stringify(a) <= JSON.stringify(b) ? a : b;
}

export function dedupRows(rows: Iterable<ArchiveRow>): ArchiveRow[] {
  const byIdentity = new Map<string, ArchiveRow>();
  for (const row of rows) {
    const id = identityOfRow(row);
    const seen = byIdentity.get(id);
    byIdentity.set(id, seen ? preferred(seen, row) : row);
  }
  return [...byIdentity.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

export interface DayCompaction {
  day: string;
  inputs: number;
  rowsRead: number;
  rowsWritten: number;
  outputs: string[];
  deleted: number;
}

export async function compactDay(store: ArchiveStore, day: string): Promise<DayCompaction> {
  const inputs = (await store.list(dayPrefix(day))).filter((k) => parseObjectKey(k)?.day === day);
  const rows: ArchiveRow[] = [];
  for (const key of inputs) rows.push(...(await decodeParquet(await store.get(key), key)));
  const kept = dedupRows(rows);
  // Sorted by time within each file, so row-group statistics let a time-range query skip groups.
  const ordered = [...kept].sort((a, b) => a.timestamp - b.timestamp || (identityOfRow(a) < identityOfRow(b) ? -1 : 1));
  const identities = kept.map(identityOfRow);
  const parts = Math.max(1, Math.ceil(ordered.length / MAX_ROWS_PER_FILE));
  const outputs: string[] = [];
  if (ordered.length > 0)
    for (let part = 0; part < parts; part++) {
      const key = compactedObjectKey(day, identities, part, parts);
      await store.put(key, encodeParquet(ordered.slice(part * MAX_ROWS_PER_FILE, (part + 1) * MAX_ROWS_PER_FILE)));
      outputs.push(key);
    }
  const obsolete = inputs.filter((k) => !outputs.includes(k));
  await store.delete(obsolete);
  return { day, inputs: inputs.length, rowsRead: rows.length, rowsWritten: ordered.length, outputs, deleted: obsolete.length };
}

/** A day is closed once its UTC end plus the grace period has passed. */
export function isClosed(day: string, now: number): boolean {
  return Date.parse(`${day}T00:00:00.000Z`) + 86_400_000 + COMPACTION_GRACE_MS <= now;
}

/** Days that need work: closed, and holding anything but exactly one complete set of compacted files. */
export async function daysToCompact(store: ArchiveStore, now: number): Promise<string[]> {
  const byDay = new Map<string, { batch: number; compacted: Set<string> }>();
  for (const key of await store.list("events/")) {
    const parsed = parseObjectKey(key);
    if (!parsed) continue;
    const entry = byDay.get(parsed.day) ?? { batch: 0, compacted: new Set<string>() };
    if (parsed.compacted) entry.compacted.add(key.replace(/-\d+of(\d+)\.parquet$/, "-of$1"));
    else entry.batch++;
    byDay.set(parsed.day, entry);
  }
  return [...byDay]
    .filter(([day, e]) => isClosed(day, now) && (e.batch > 0 || e.compacted.size !== 1))
    .map(([day]) => day)
    .sort();
}

/** The daily job: every closed day that needs it, one after another (a day is the unit of retry). */
export async function compactClosedDays(store: ArchiveStore, now: number, onDay?: (d: DayCompaction) => void): Promise<DayCompaction[]> {
  const done: DayCompaction[] = [];
  for (const day of await daysToCompact(store, now)) {
    const result = await compactDay(store, day);
    onDay?.(result);
    done.push(result);
  }
  return done;
}
