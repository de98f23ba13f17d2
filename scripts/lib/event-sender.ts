/**
 * Concurrent senders that post events with unique `event_id` + `timestamp` and record exactly
 * which ids were acknowledged with a 200. Anything else (4xx, 503, a dropped connection) is not.
 */

export interface SendStats {
  acknowledged: Set<string>;
  requests: number;
  /** Responses by status code; network failures count under "network". */
  outcomes: Record<string, number>;
}

export interface LoadOptions {
  eventsUrl: string;
  concurrency: number;
  /** Every event id starts with this, so a reconciliation can tell this run's events apart. */
  prefix: string;
  /** Senders stop when this returns true (checked before each request). */
  shouldStop: () => boolean;
  maxBatch?: number;
}

export function newStats(): SendStats {
  return { acknowledged: new Set(), requests: 0, outcomes: {} };
}

function batchFor(prefix: string, sender: number, seq: number, size: number) {
  const now = Date.now();
  return Array.from({ length: size }, (_, i) => ({
    event_type: i === 0 ? "page_view" : "click",
    event_id: `${prefix}-${sender}-${seq}-${i}`,
    timestamp: now,
    session_id: `${prefix}-s${sender}`,
    page_url: `https://example.com/p${seq % 7}`,
  }));
}

async function postOnce(url: string, events: unknown[]): Promise<string> {
  try {
    const body = events.length === 1 ? events[0] : { events };
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(15_000) });
    await res.arrayBuffer();
    return String(res.status);
  } catch {
    return "network";
  }
}

async function sender(options: LoadOptions, index: number, stats: SendStats): Promise<void> {
  for (let seq = 0; !options.shouldStop(); seq++) {
    const events = batchFor(options.prefix, index, seq, 1 + (seq % (options.maxBatch ?? 5)));
    const outcome = await postOnce(options.eventsUrl, events);
    stats.requests++;
    stats.outcomes[outcome] = (stats.outcomes[outcome] ?? 0) + 1;
    if (outcome === "200") for (const e of events) stats.acknowledged.add(e.event_id);
    // A dead server fails fast; pause so a crashed target is not hammered in a tight loop.
    else if (outcome === "network") await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs `concurrency` senders until `shouldStop`; resolves when every in-flight request has settled. */
export async function driveLoad(options: LoadOptions, stats = newStats()): Promise<SendStats> {
  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => sender(options, i, stats)));
  return stats;
}
