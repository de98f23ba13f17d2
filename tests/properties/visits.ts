/**
 * Generated browser traffic for the session property suite: visits (a chain head, a user, events
 * with ids and real times, some idle gaps over 30 minutes), client clocks off by an offset inside
 * or outside the accepted window, and a delivery plan: events shuffled into requests, requests
 * run in waves of concurrent calls, some sent twice, each attempt at its own server time.
 */
import fc from "fast-check";

export const MIN = 60_000;
export const DAY = 86_400_000;
export const BASE = Date.UTC(2026, 10, 26, 8, 0, 0);

export interface GeneratedEvent {
  event_id: string;
  chain: string;
  user: string;
  /** Real time of the event; the client sends `realTs + offset`. */
  realTs: number;
  sentTs: number;
  event_type: "page_view" | "click" | "heartbeat";
  page_url?: string;
}

export interface Delivery {
  /** Indexes into `events`. */
  events: number[];
  /** Attempts in flight at once for this request (2+ = a duplicated retry racing the original). */
  copies: number;
  /** Server time of the attempt, after the latest real time of its events. */
  delayMs: number;
  /** Server time added per sequential attempt (a retry after a failure or a lost response). */
  retryStepMs: number;
  /** After its 200, the request is sent once more at the next step (the response was lost); single copies only. */
  resend: boolean;
}

export interface Traffic {
  events: GeneratedEvent[];
  waves: Delivery[][];
  /** Per call: probability a write lands and its response is lost. */
  lostResponseRate: number;
  /** Per call: probability of throttling (nothing written); per batch item: of coming back unprocessed. */
  throttleRate: number;
  unprocessedRate: number;
  seed: number;
}

// Offsets: most clocks right, some a little off (inside the window), some far off (outside it:
// ten minutes fast, an offline queue flushed nine days later), and some at a window edge, where
// a retry's later server time sees the other side: just inside the 7-day edge, five days back
// (outside after a retry three days later), a minute either side of the +5 min bound.
const OFFSET = fc.constantFrom(
  0,
  0,
  0,
  0,
  2 * MIN,
  -3 * MIN,
  -2 * DAY,
  10 * MIN,
  -9 * DAY,
  -7 * DAY + 2 * MIN,
  -7 * DAY + 20 * MIN,
  -5 * DAY,
  4 * MIN,
  6 * MIN,
);
/**
 * Server time between attempts of one request: mostly a second, sometimes long enough to carry
 * a timestamp across an edge (90 s, 10 min, 3 days: an offline queue). Copies in flight at once
 * stay a second apart, as concurrent attempts do.
 */
const RETRY_STEP = fc.constantFrom(1_000, 1_000, 1_000, 90_000, 10 * MIN, 3 * DAY);
const GAP = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 10 * MIN }) },
  { weight: 1, arbitrary: fc.integer({ min: 30 * MIN - 2, max: 90 * MIN }) },
);
const TYPE = fc.constantFrom("page_view", "click", "heartbeat") as fc.Arbitrary<GeneratedEvent["event_type"]>;

const step = (gap: fc.Arbitrary<number>) => fc.record({ gap, type: TYPE, page: fc.integer({ min: 0, max: 3 }) });

/** A client that keeps one session id across many visits: a chain of 10–40 sessions (long chains). */
const LONG_GAP = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 31 * MIN, max: 35 * MIN }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 10 * MIN }) },
);

const visit: fc.Arbitrary<Visit> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      offset: OFFSET,
      start: fc.integer({ min: 0, max: 20 * MIN }),
      steps: fc.array(step(GAP), { minLength: 1, maxLength: 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      offset: OFFSET,
      start: fc.integer({ min: 0, max: 20 * MIN }),
      steps: fc.array(step(LONG_GAP), { minLength: 10, maxLength: 40 }),
    }),
  },
);

type Visit = { offset: number; start: number; steps: { gap: number; type: GeneratedEvent["event_type"]; page: number }[] };

function eventsOf(visits: Visit[]): GeneratedEvent[] {
  const events: GeneratedEvent[] = [];
  visits.forEach((v, n) => {
    let t = BASE + v.start;
    v.steps.forEach((s, i) => {
      t += i === 0 ? 0 : s.gap;
      const page_url = s.type === "heartbeat" ? undefined : `https://shop.example/p${s.page}`;
      events.push({
        event_id: `v${n}e${i}`,
        chain: `chain-${n}`,
        user: `user-${n}`,
        realTs: t,
        sentTs: t + v.offset,
        event_type: s.type,
        page_url,
      });
    });
  });
  return events;
}

/** Splits a permutation of event indexes into consecutive requests of the generated sizes. */
function requestsOf(order: number[], sizes: number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0, k = 0; i < order.length; k++) {
    const size = sizes[k % sizes.length];
    out.push(order.slice(i, i + size));
    i += size;
  }
  return out;
}

export const trafficArbitrary: fc.Arbitrary<Traffic> = fc
  .array(visit, { minLength: 1, maxLength: 3 })
  .chain((visits) => {
    const events = eventsOf(visits);
    return fc.record({
      events: fc.constant(events),
      order: fc.shuffledSubarray(
        events.map((_, i) => i),
        { minLength: events.length, maxLength: events.length },
      ),
      // Mostly 1–5 events per request; sometimes 40 (a long visit's whole queue in one request).
      sizes: fc.array(fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: fc.constant(40) }), {
        minLength: 1,
        maxLength: 6,
      }),
      copies: fc.array(fc.constantFrom(1, 1, 1, 2, 3), { minLength: 1, maxLength: 8 }),
      delays: fc.array(fc.integer({ min: 0, max: 2 * MIN }), { minLength: 1, maxLength: 8 }),
      steps: fc.array(RETRY_STEP, { minLength: 1, maxLength: 8 }),
      resends: fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
      waveSizes: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }),
      lostResponseRate: fc.constantFrom(0, 0, 0.1, 0.3),
      throttleRate: fc.constantFrom(0, 0, 0, 0.1),
      unprocessedRate: fc.constantFrom(0, 0, 0, 0.3),
      seed: fc.integer({ min: 1, max: 2 ** 30 }),
    });
  })
  .map((r) => {
    const deliveries = requestsOf(r.order, r.sizes).map((events, i) => ({
      events,
      copies: r.copies[i % r.copies.length],
      delayMs: r.delays[i % r.delays.length],
      retryStepMs: r.steps[i % r.steps.length],
      resend: r.resends[i % r.resends.length],
    }));
    const waves: Delivery[][] = [];
    for (let i = 0, k = 0; i < deliveries.length; k++) {
      const size = r.waveSizes[k % r.waveSizes.length];
      waves.push(deliveries.slice(i, i + size));
      i += size;
    }
    return {
      events: r.events,
      waves,
      lostResponseRate: r.lostResponseRate,
      throttleRate: r.throttleRate,
      unprocessedRate: r.unprocessedRate,
      seed: r.seed,
    };
  });

/** The request body for one delivery, as a tracker would send it. */
export function bodyOf(traffic: Traffic, delivery: Delivery) {
  return {
    events: delivery.events.map((i) => {
      const e = traffic.events[i];
      return {
        event_type: e.event_type,
        event_id: e.event_id,
        session_id: e.chain,
        user_id: e.user,
        timestamp: e.sentTs,
        ...(e.page_url ? { page_url: e.page_url } : {}),
      };
    }),
  };
}

/** Server time of an attempt: after the real time of its latest event, plus the delivery delay and retry lag. */
export function serverTime(traffic: Traffic, delivery: Delivery, attempt: number, copy: number): number {
  const latest = Math.max(...delivery.events.map((i) => traffic.events[i].realTs));
  // Copies run at once, so their attempts stay seconds apart (no attempt outlives MAX_ATTEMPT_MS).
  const step = delivery.copies > 1 ? 1_000 : delivery.retryStepMs;
  return latest + delivery.delayMs + attempt * step + copy * 1_000;
}
