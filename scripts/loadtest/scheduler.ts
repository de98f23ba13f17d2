// The two load models.
//  closed (--concurrency n): n virtual clients, each sends its next request when the previous one
//    returns. Simple and self-limiting, but a slow server also slows the arrivals, so queueing
//    hides inside fewer requests ("coordinated omission").
//  open (--rate r): request i is due at i/r seconds whatever happened before. Its latency is
//    measured from that SCHEDULED time, so time spent waiting for a socket, for the event loop or
//    behind a slow server is counted.
import { requestBody, type TrafficGenerator } from "../lib/event-generator";
import type { Transport } from "../lib/http-client";
import type { Recorder } from "./recorder";

/** Closed model: a client whose connection is refused waits this long, doubling up to the max. */
export const REFUSED_BACKOFF_MS = { first: 100, max: 2000 } as const;

export interface RunContext {
  transport: Transport;
  traffic: TrafficGenerator;
  recorder: Recorder;
  batch: number;
  /** monotonic ms; the timers come from here so tests run the schedule on virtual time */
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
  /** epoch ms for event timestamps */
  wallClock: () => number;
  /** true once the user asked to stop early (Ctrl-C): no new request starts, in-flight ones finish */
  stopRequested: () => boolean;
}

/** The production timers and clocks. */
export const realTimers = {
  clock: () => performance.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  wallClock: Date.now,
};

/** Number of open-model slots i/rate that fall inside [0, duration). */
export const scheduledCount = (rate: number, durationS: number): number => Math.max(0, Math.ceil(rate * durationS - 1e-9));

/** Sends one visitor's next batch and records it; latency counts from `referenceMs`. Resolves with the status. */
async function fireOne(ctx: RunContext, startMs: number, referenceMs: number): Promise<string> {
  const visitor = ctx.traffic.acquire();
  let result = { status: "ERR_CLIENT", ok: false, body: null as unknown };
  try {
    result = await ctx.transport.send(requestBody(ctx.traffic.nextEvents(visitor, ctx.batch, ctx.wallClock())));
  } finally {
    const completedAtMs = ctx.clock() - startMs;
    ctx.traffic.release(visitor, result.ok ? result.body : null);
    // Any HTTP answer and a timeout (a lower bound) carry a latency; a refused or reset connection does not.
    const answered = result.status === "ERR_TIMEOUT" || /^\d+$/.test(result.status);
    ctx.recorder.record({ ...result, events: ctx.batch, completedAtMs, latencyMs: answered ? completedAtMs - referenceMs : null });
  }
  return result.status;
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
      backoffMs = status !== "ERR_ECONNREFUSED" ? 0 : Math.min(REFUSED_BACKOFF_MS.max, backoffMs * 2 || REFUSED_BACKOFF_MS.first);
      if (backoffMs) await ctx.sleep(Math.max(0, Math.min(backoffMs, durationMs - (ctx.clock() - start))));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return ctx.clock() - start;
}

/** Open model; resolves with the elapsed ms once every sent request has returned. */
export async function runOpen(ctx: RunContext, rate: number, durationS: number): Promise<number> {
  const total = scheduledCount(rate, durationS);
  const due = (i: number) => (i * 1000) / rate;
  const start = ctx.clock();
  const pending = new Set<Promise<unknown>>();
  for (let next = 0; next < total && !ctx.stopRequested(); ) {
    // Catch up on every slot that is due: timers fire ≥ 1 ms apart, and a busy event loop later.
    // The clock is read per slot because each send costs time: a slot's lag is when it really left.
    for (let now = ctx.clock() - start; next < total && due(next) <= now; next++, now = ctx.clock() - start) {
      ctx.recorder.recordSendLag(now - due(next));
      const request = fireOne(ctx, start, due(next))
        .catch(() => undefined)
        .finally(() => pending.delete(request));
      pending.add(request);
    }
    if (next < total) await ctx.sleep(Math.max(0, due(next) - (ctx.clock() - start)));
  }
  await Promise.all([...pending]);
  return ctx.clock() - start;
}
