// The one event generator of the tools (load test, soak): simulated visitors of a small shop. Each visitor keeps its user_id and session_id across
// requests, lands on a page, then clicks, sends heartbeats and navigates (with the previous page as
// referrer) - the mix a real tracker sends. A visitor sends one request at a time, like a browser
// tab, and adopts the session id the server answers with (the server may roll a session over).

import { createRng } from "./rng";

export const SITE = "https://shop.example.com";
/** The site every event names unless the tool is given another (`--site`): local mode's own. */
export const DEFAULT_SITE_ID = "local";

const PAGES = [
  "/",
  "/products",
  "/products/espresso-grinder",
  "/products/pour-over-kettle",
  "/products/ceramic-dripper",
  "/blog/brewing-guide",
  "/cart",
  "/checkout",
] as const;

const EXTERNAL_REFERRERS = ["https://www.google.com/", "https://news.ycombinator.com/", "https://newsletter.example.org/issue-42", ""];

const CLICK_TARGETS = ["nav-home", "search", "hero-cta", "product-card", "newsletter-signup", "footer-link"];

const USER_AGENTS = [
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
  "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
];

export interface TrafficEvent {
  /** The site the event belongs to (docs/sites.md); one per generator, so one per request. */
  site_id: string;
  event_type: string;
  page_url: string;
  referrer: string;
  user_agent: string;
  session_id: string;
  user_id: string;
  event_id: string;
  timestamp: number;
  properties?: Record<string, string | number | boolean>;
}

export interface Visitor {
  readonly index: number;
  readonly userId: string;
  readonly userAgent: string;
  sessionId: string;
  page: string | null; // null until the landing page_view
  busy: boolean;
}

export interface TrafficOptions {
  sessions: number;
  seed: number;
  /** makes ids unique per run: the API deduplicates on event_id, so a reused id would not be stored */
  runId: string;
  /** Every id starts with this (default `lt_<runId>`), so a reconciliation can pick out this run. */
  idPrefix?: string;
  /** The site_id of every event (default DEFAULT_SITE_ID). */
  siteId?: string;
}

/** The prefix of every event id a generator with this `idPrefix` mints. */
export const eventIdPrefix = (idPrefix: string) => `${idPrefix}_e`;

export class TrafficGenerator {
  readonly visitors: Visitor[];
  private readonly idle: Visitor[];
  private readonly random: () => number;
  private eventCounter = 0;
  private roundRobin = 0;
  private readonly idPrefix: string;
  private readonly siteId: string;
  sessionsAdopted = 0;

  constructor(options: TrafficOptions) {
    this.random = createRng(options.seed);
    this.idPrefix = options.idPrefix ?? `lt_${options.runId}`;
    this.siteId = options.siteId ?? DEFAULT_SITE_ID;
    this.visitors = Array.from({ length: options.sessions }, (_, index) => ({
      index,
      userId: `${this.idPrefix}_u${index}`,
      userAgent: USER_AGENTS[index % USER_AGENTS.length],
      sessionId: `${this.idPrefix}_s${index}`,
      page: null,
      busy: false,
    }));
    this.idle = [...this.visitors];
  }

  /** An idle visitor; when more requests are in flight than visitors exist, visitors overlap. */
  acquire(): Visitor {
    const visitor = this.idle.shift() ?? this.visitors[this.roundRobin++ % this.visitors.length];
    visitor.busy = true;
    return visitor;
  }

  /** Returns the visitor to the pool and adopts the session id from a 2xx response body. */
  release(visitor: Visitor, responseBody: unknown): void {
    const adopted = sessionIdFromResponse(responseBody);
    if (adopted !== null && adopted !== visitor.sessionId) {
      visitor.sessionId = adopted;
      this.sessionsAdopted++;
    }
    if (visitor.busy) {
      visitor.busy = false;
      this.idle.push(visitor);
    }
  }

  /** `count` events of one visitor, oldest first, spaced 100 ms apart and ending at `nowMs`. */
  nextEvents(visitor: Visitor, count: number, nowMs: number): TrafficEvent[] {
    const events: TrafficEvent[] = [];
    for (let i = 0; i < count; i++) events.push(this.nextEvent(visitor, nowMs - (count - 1 - i) * 100));
    return events;
  }

  private nextEvent(visitor: Visitor, timestamp: number): TrafficEvent {
    const base = {
      site_id: this.siteId,
      session_id: visitor.sessionId,
      user_id: visitor.userId,
      user_agent: visitor.userAgent,
      event_id: `${eventIdPrefix(this.idPrefix)}${this.eventCounter++}`,
      timestamp,
    };
    if (visitor.page === null) {
      visitor.page = this.pick(PAGES.slice(0, 6));
      return { ...base, event_type: "page_view", page_url: SITE + visitor.page, referrer: this.pick(EXTERNAL_REFERRERS) };
    }
    const current = SITE + visitor.page;
    const draw = this.random();
    if (draw < 0.3) {
      visitor.page = this.pick(PAGES.filter((page) => page !== visitor.page));
      return { ...base, event_type: "page_view", page_url: SITE + visitor.page, referrer: current };
    }
    if (draw < 0.65) return { ...base, ...this.click(visitor.page), page_url: current, referrer: "" };
    return { ...base, event_type: "heartbeat", page_url: current, referrer: "", properties: { visible: true } };
  }

  private click(page: string): Pick<TrafficEvent, "event_type" | "properties"> {
    if (page.startsWith("/products/") && this.random() < 0.4) {
      return { event_type: "add_to_cart", properties: { product_id: page.slice("/products/".length), price: 49.5 } };
    }
    return { event_type: "click", properties: { element_id: this.pick(CLICK_TARGETS) } };
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }
}

/** Request body: a single event as an object (what a beacon sends), several as {"events": […]}. */
export function requestBody(events: readonly TrafficEvent[]): string {
  return JSON.stringify(events.length === 1 ? events[0] : { events });
}

/**
 * The session the server resolved: `session_id` (single event) or the last of `session_ids`
 * (batch; all events of a request come from one visitor, so after a rollover they share the new id).
 */
export function sessionIdFromResponse(body: unknown): string | null {
  if (typeof body !== "object" || body === null) return null;
  const record = body as { session_id?: unknown; session_ids?: unknown };
  if (typeof record.session_id === "string" && record.session_id !== "") return record.session_id;
  if (Array.isArray(record.session_ids)) {
    for (let i = record.session_ids.length - 1; i >= 0; i--) {
      const id = record.session_ids[i];
      if (typeof id === "string" && id !== "") return id;
    }
  }
  return null;
}
