import { eventKey, type HexSource, mintEventId, mintSessionId, mintUserId, sessionKey } from "./ids";
import { LIMITS, type Scalar, type ValidEvent } from "./validate";

/** What the server knows about the request beyond its body. */
export interface RequestFacts {
  nowMs: number;
  /** The request's one site (admission.ts). */
  siteId: string;
  ipPrefix?: string;
  userAgentHeader?: string;
  retentionDays: number;
  hex: HexSource;
}

/** An event as it will be stored (docs/api.md). `session_id` is resolved along its chain before the write. */
export interface EventRecord {
  index: number;
  site_id: string;
  event_id: string;
  event_type: string;
  user_id: string;
  /** The key (`<site>#<session>`, ids.ts) of the session the client named or the one minted for it: the head of the event's chain. */
  chain_id: string;
  /** The key of the session the event is stored in, resolved along its chain before the write. */
  session_id: string;
  /** The effective time: the client's timestamp inside the window, else server time (pinned on retries). */
  timestamp: number;
  /** The timestamp in the key: the client's whenever sent, so retries land on the same item. */
  identity_timestamp: number;
  /** The client sent a timestamp (identity_timestamp is it): its effective time is decided once (pins.ts). */
  client_time: boolean;
  client_timestamp?: number;
  page_url?: string;
  referrer?: string;
  user_agent?: string;
  ip_prefix?: string;
  properties: [string, Scalar][];
  received_at: number;
  expires_at: number;
}

/** The events of one chain in this request, in time order. */
export interface SessionGroup {
  sessionId: string;
  events: EventRecord[];
}

/** Timestamps outside [now − 7 days, now + 5 min] are replaced by server time; the client value is kept. */
function resolveTimestamp(clientTs: number | undefined, nowMs: number): { timestamp: number; client_timestamp?: number } {
  if (clientTs === undefined) return { timestamp: nowMs };
  const inWindow = clientTs >= nowMs - LIMITS.pastWindowMs && clientTs <= nowMs + LIMITS.futureWindowMs;
  return inWindow ? { timestamp: clientTs } : { timestamp: nowMs, client_timestamp: clientTs };
}

export const expiresAt = (timestampMs: number, retentionDays: number) => Math.floor(timestampMs / 1000) + retentionDays * 86_400;

/** Changes an event's effective time (a pinned out-of-window event keeps its first server time). */
export function setEffectiveTime(e: EventRecord, timestamp: number, retentionDays: number): void {
  e.timestamp = timestamp;
  e.expires_at = expiresAt(timestamp, retentionDays);
}

/** Fills minted ids and server fields. One minted user and one minted session per user per request. */
export function normalizeEvents(events: ValidEvent[], facts: RequestFacts): EventRecord[] {
  let mintedUser: string | undefined;
  const mintedSessions = new Map<string, string>();
  return events.map((e) => {
    if (e.user_id === undefined) mintedUser ??= mintUserId(facts.hex);
    const user_id = e.user_id ?? (mintedUser as string);
    let session_id = e.session_id ?? mintedSessions.get(user_id);
    if (session_id === undefined) {
      session_id = mintSessionId(facts.nowMs, facts.hex);
      mintedSessions.set(user_id, session_id);
    }
    const { timestamp, client_timestamp } = resolveTimestamp(e.timestamp, facts.nowMs);
    // A session continues only within its site: the chain is keyed by site and session id.
    const key = sessionKey(facts.siteId, session_id);
    return {
      index: e.index,
      site_id: facts.siteId,
      event_id: e.event_id ?? mintEventId(facts.nowMs, facts.hex),
      event_type: e.event_type,
      user_id,
      chain_id: key,
      session_id: key,
      timestamp,
      identity_timestamp: e.timestamp ?? facts.nowMs,
      client_time: e.timestamp !== undefined,
      client_timestamp,
      page_url: e.page_url,
      referrer: e.referrer,
      user_agent: e.user_agent ?? facts.userAgentHeader?.slice(0, LIMITS.userAgentMax),
      ip_prefix: facts.ipPrefix,
      properties: e.properties,
      received_at: facts.nowMs,
      expires_at: expiresAt(timestamp, facts.retentionDays),
    };
  });
}

/** The Events sort key (identity timestamp). */
export const keyOf = (e: EventRecord) => eventKey(e.identity_timestamp, e.event_id);

/** Total order of a session's events by effective time: decides entry and exit pages. */
export const orderOf = (e: EventRecord) => eventKey(e.timestamp, e.event_id);

/** The order of orderOf without building keys: equal times leave the event ids to decide. */
export const byTime = (a: EventRecord, b: EventRecord) =>
  a.timestamp - b.timestamp || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0);

/**
 * Coalesces events by chain (the session id the client named), each group in time order. Where
 * in the chain each event lands is decided against the stored sessions (chain.ts), not here.
 */
export function groupBySession(events: EventRecord[]): SessionGroup[] {
  const byChain = new Map<string, EventRecord[]>();
  for (const e of events) {
    const list = byChain.get(e.chain_id);
    if (list) list.push(e);
    else byChain.set(e.chain_id, [e]);
  }
  return [...byChain].map(([sessionId, list]) => ({ sessionId, events: list.sort(byTime) }));
}
