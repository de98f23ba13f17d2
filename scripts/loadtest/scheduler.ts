// The two load models.
//  closed (--concurrency n): n virtual clients, each sends its next request when the previous one
//    returns. Simple and self-limiting, but a slow server also slows the arrivals, so queueing
//    hides inside fewer requests ("coordinated omission").
//  open (--rate r): request i is due at i/r seconds whatever happened before. Its latency is
//    measured from that SCHEDULED time, so time spent waiting for a socket, for the event loop or
//    behind a slow server is counted. Outstanding requests are capped (--max-in-flight): a request
//    due while the cap is reached is not sent, is counted as "dropped" and as a failure.

import { requestBody, type TrafficGenerator } from "../lib/event-generator";
import type { Transport } from "./http-client";
import type { Recorder } from "./recorder";

/** Closed model: a client whose connection is refused waits this long, doubling up to the max. */
export const REFUSED_BACKOFF_MS = { first: 100, max: 2000 } as const;

/** Open model: a request that leaves more than this after its slot counts as "late" (client lag). */
export const LATE_THRESHOLD_MS = 10;

export interface RunContext {
  transport: Transport;
  traffic: TrafficGenerator;
  recorder: Recorder;
  batch: number;
  /** monotonic ms (performance.now) */
  clock: () => number;
  /** epoch ms for event timestamps */
  wallClock: () => number;
  /** true once the user asked to stop early (Ctrl-C): no new request starts, in-flight ones finish */
  stopRequested: () => boolean;
  /** resolves after `ms` on `clock` (realSleep in production; tests pass a virtual clock's) */
  sleep: (ms: number) => Promise<void>;
}

/** The production timer: a real setTimeout. */
export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Number of open-model slots i/rate that fall inside [0, duration). */
export function scheduledCount(rate: number, durationS: number): number {
  return Math.max(0, Math.ceil(rate * durationS - 1e-9));
}

/** Offset of slot i in ms from the start of the run. */
export function scheduledOffsetMs(index: number, rate: number): number {
  return (index * 1000) / rate;
}

/** Whether a status carries a meaningful latency: any HTTP answer, and timeouts (a lower bound). */
function hasLatency(status: string): boolean {
  return status === "ERR_TIMEOUT" || /^\d+$/.test(status);
}

/** Sends one request for one visitor and records it; latency counts from `referenceMs`. Resolves with the status. */
async function fireOne(ctx: RunContext, startMs: number, referenceMs: number): Promise<string> {
  const visitor = ctx.traffic.acquire();
  let status = "ERR_CLIENT";
  let ok = false;
  let body: unknown = null;
  try {
    const events = ctx.traffic.nextEvents(visitor, ctx.batch, ctx.wallClock());
    ({ status, ok, body } = await ctx.transport.send(requestBody(events)));
  } finally {
    const completedAtMs = ctx.clock() - startMs;
    ctx.traffic.release(visitor, ok ? body : null);
    ctx.recorder.record({
      status,
      ok,
      events: ctx.batch,
      completedAtMs,
      latencyMs: hasLatency(status) ? completedAtMs - referenceMs : null,
    });
  }
  return status;
}

/** Closed model; resolves with the elapsed ms once the last in-flight request has returned. */
export async function runClosed(ctx: RunContext, concurrency: number, durationS: number): Promise<number> {
  const start = ctx.clock();
  const durationMs = durationS * 1000;
  const client = async () => {
    let backoffMs = 0;
    for (let sentAt = ctx.clock() - start; sentAt < durationMs && !ctx.stopRequested(); sentAt = ctx.clock() - start) {
      const status = await fireOne(ctx, start, sentAt).catch(() => "ERR_CLIENT");
      // Nothing listens: a refusal comes back in microseconds, so without a pause every client
      // would spin on the dead port. Any HTTP answer resets the pause.
      if (status !== "ERR_ECONNREFUSED") {
        backoffMs = 0;
        continue;
      }
      backoffMs = Math.min(REFUSED_BACKOFF_MS.max, backoffMs ? backoffMs * 2 : REFUSED_BACKOFF_MS.first);
      await ctx.sleep(Math.max(0, Math.min(backoffMs, durationMs - (ctx.clock() - start))));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return ctx.clock() - start;
}

/** Open model; resolves with the elapsed ms once every sent request has returned. */
export async function runOpen(ctx: RunContext, rate: number, durationS: number, maxInFlight: number): Promise<number> {
  const total = scheduledCount(rate, durationS);
  const start = ctx.clock();
  const pending = new Set<Promise<void>>();
  let next = 0;
  for (;;) {
    // Catch up on every slot that is due: timers fire ≥ 1 ms apart, and a busy event loop later.
    // The clock is read per slot because each send costs time: a slot's lag is when it really left.
    for (let now = ctx.clock() - start; next < total && scheduledOffsetMs(next, rate) <= now; next++, now = ctx.clock() - start) {
      const due = scheduledOffsetMs(next, rate);
      if (pending.size >= maxInFlight) {
        ctx.recorder.recordDropped(now);
        continue;
      }
      ctx.recorder.recordSendLag(now - due, LATE_THRESHOLD_MS);
      const request: Promise<void> = fireOne(ctx, start, due)
        .then(
          () => undefined,
          () => undefined,
        )
        .finally(() => pending.delete(request));
      pending.add(request);
    }
    if (next >= total || ctx.stopRequested()) break;
    await ctx.sleep(Math.max(0, scheduledOffsetMs(next, rate) - (ctx.clock() - start)));
  }
  await Promise.all([...pending]);
  return ctx.clock() - start;
}
