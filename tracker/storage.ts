/**
 * The tracker's state in localStorage (or, with data-storage="none" or when storage is
 * unavailable, in memory for this page only). Keys are prefixed so a site's own keys are safe.
 */
import type { TrackedEvent } from "./validate";

const MAX_QUEUED = 500;
const MAX_AGE_MS = 6048e5; // 7 days: older events would be stored under server time anyway
const memory: Record<string, string | null> = {};
const persistent = (document.currentScript as HTMLScriptElement | null)?.getAttribute("data-storage") != "none";

/** Reads `key`, or writes it (null removes) and returns the value written. */
export function store(key: string, value?: string | null): string | null {
  key = `li_${key}`;
  try {
    if (!persistent) throw 0;
    if (value === undefined) return localStorage.getItem(key);
    value === null ? localStorage.removeItem(key) : localStorage.setItem(key, value);
  } catch {
    if (value === undefined) return memory[key] ?? null;
    memory[key] = value;
  }
  return value;
}

const read = (): TrackedEvent[] => {
  try {
    const now = Date.now();
    return (JSON.parse(store("q") || "[]") as TrackedEvent[]).filter((e) => now - e.timestamp < MAX_AGE_MS);
  } catch {
    return [];
  }
};

const write = (events: TrackedEvent[]) => store("q", events.length ? JSON.stringify(events.slice(-MAX_QUEUED)) : null);

export const queueAdd = (events: TrackedEvent[]) => write(read().concat(events));

export function queueRemove(events: TrackedEvent[]) {
  const sent = events.map((e) => e.event_id);
  write(read().filter((e) => sent.indexOf(e.event_id) < 0));
}

export const queueTake = (count: number) => read().slice(0, count);
