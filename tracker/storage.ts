/**
 * The tracker's state in localStorage (or, with data-storage="none" or when storage is
 * unavailable, in memory for this page only). Keys are prefixed so a site's own keys are safe.
 *
 * The retry queue is one key per failed batch (`li_q_<timestamp><event_id>` of its first event), written once and removed
 * once delivered: tabs share localStorage without any lock, and a read-modify-write of one shared
 * key by two tabs keeps only the last writer's events. Write-once keys need no lock: two tabs that
 * add at once add two keys, and two tabs that drain at once send a batch twice (an exact resend)
 * and remove it twice.
 */
import { attr } from "./script";
import type { TrackedEvent } from "./validate";

const memory: Record<string, string | null> = {};
const persistent = attr("storage") != "none";

/** localStorage, or a throw where this page keeps nothing in it (memory-only mode, storage blocked). */
const area = (): Storage => {
  if (!persistent) throw 0;
  return localStorage;
};

/** Reads `key`, or writes it (null removes) and returns the value written. */
export function store(key: string, value?: string | null): string | null {
  key = `li_${key}`;
  try {
    const storage = area();
    if (value === undefined) return storage.getItem(key);
    storage[value === null ? "removeItem" : "setItem"](key, value as string);
  } catch {
    if (value === undefined) return memory[key] ?? null;
    memory[key] = value;
  }
  return value;
}

/** A queued batch: its key (for `store`) and its events. */
export type Batch = [string, TrackedEvent[]];

/** Every queued batch, oldest first, without events older than 7 days (a batch left empty is removed). */
export function queued(): Batch[] {
  let names = Object.keys(memory);
  try {
    names = Object.keys(area());
  } catch {}
  const now = Date.now();
  const found: Batch[] = [];
  for (const name of names) {
    if (name.indexOf("li_q_")) continue;
    const key = name.slice(3);
    let events: TrackedEvent[] = [];
    // Events older than 7 days are not sent: the server would store them under its own time.
    try {
      events = (JSON.parse(store(key) as string) as TrackedEvent[]).filter((e) => now - e.timestamp < 6048e5);
    } catch {}
    events[0] ? found.push([key, events]) : store(key, null);
  }
  // Keys begin with the batch's 13-digit first timestamp, so their string order is their age order.
  return found.sort();
}

/** Queues a batch under its own key, then drops the oldest batches beyond 500 events in all. */
export function queueAdd(batch: TrackedEvent[]) {
  const [first] = batch;
  store(`q_${first.timestamp}${first.event_id}`, JSON.stringify(batch));
  let total = 0;
  for (const [key, events] of queued().reverse()) if ((total += events.length) > 500) store(key, null);
}
