/**
 * Concurrent senders that post the event generator's traffic (unique `event_id` + `timestamp`)
 * and record exactly which ids were acknowledged with a 200. Anything else (4xx, 503, a dropped
 * connection) is not. Used by `npm run soak` and the local-mode crash and stop tests.
 */
import { randomBytes } from "node:crypto";
import { requestBody, TrafficGenerator } from "../../scripts/lib/event-generator";
import { createHttpTransport, type Transport } from "../../scripts/lib/http-client";

export interface SendStats {
  acknowledged: Set<string>;
  requests: number;
  /** Responses by status code; network failures count under "network". */
  outcomes: Record<string, number>;
}

export interface LoadOptions {
  eventsUrl: string;
  concurrency: number;
  /** Every id starts with this; `eventIdPrefix(prefix)` picks out this run's events in the store. */
  prefix: string;
  /** Senders stop when this returns true (checked before each request). */
  shouldStop: () => boolean;
  /** Largest batch; senders cycle through 1 … maxBatch events per request (default 5). */
  maxBatch?: number;
  /** The site_id of every event (default local mode's, `local`). */
  siteId?: string;
}

export function newStats(): SendStats {
  return { acknowledged: new Set(), requests: 0, outcomes: {} };
}

async function sender(options: LoadOptions, transport: Transport, traffic: TrafficGenerator, stats: SendStats): Promise<void> {
  for (let seq = 0; !options.shouldStop(); seq++) {
    const visitor = traffic.acquire();
    const events = traffic.nextEvents(visitor, 1 + (seq % (options.maxBatch ?? 5)), Date.now());
    const { status, ok, body } = await transport.send(requestBody(events));
    const outcome = /^\d+$/.test(status) ? status : "network";
    traffic.release(visitor, ok ? body : null);
    stats.requests++;
    stats.outcomes[outcome] = (stats.outcomes[outcome] ?? 0) + 1;
    if (outcome === "200") for (const e of events) stats.acknowledged.add(e.event_id);
    // A dead server fails fast; pause so a crashed target is not hammered in a tight loop.
    else if (outcome === "network") await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs `concurrency` senders until `shouldStop`; resolves when every in-flight request has settled. */
export async function driveLoad(options: LoadOptions, stats = newStats()): Promise<SendStats> {
  const traffic = new TrafficGenerator({
    sessions: options.concurrency,
    seed: 1,
    runId: randomBytes(4).toString("hex"),
    idPrefix: options.prefix,
    siteId: options.siteId,
  });
  const transport = createHttpTransport(options.eventsUrl, options.concurrency, 15_000);
  try {
    await Promise.all(Array.from({ length: options.concurrency }, () => sender(options, transport, traffic, stats)));
  } finally {
    transport.close();
  }
  return stats;
}
