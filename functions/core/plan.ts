import { SESSION_IDLE_TIMEOUT_MS } from "../shared/schema";
import { eventKey, HexSource, mintEventId, mintSessionId, mintUserId, rolloverSessionId } from "./ids";
import { LIMITS, Scalar, ValidEvent } from "./validate";

/** What the server knows about the request beyond its body. */
export interface RequestFacts {
  nowMs: number;
  ipPrefix?: string;
  userAgentHeader?: string;
  retentionDays: number;
  hex: HexSource;
}

/** An event as it will be stored (SPEC §3). `session_id` may still change if its session rolls over. */
export interface EventRecord {
  index: number;
  event_id: string;
  event_type: string;
  user_id: string;
  session_id: string;
  timestamp: number;
  client_timestamp?: number;
  page_url?: string;
  referrer?: string;
  user_agent?: string;
  ip_prefix?: string;
  properties: [string, Scalar][];
  received_at: number;
  expires_at: number;
}

/** One Sessions update + one ActiveSessions put: all the events of one session in this request. */
export interface SessionGroup {
  sessionId: string;
  /** Rollover is only possible for an id the client sent (a minted id is new by construction). */
  mayExist: boolean;
  events: EventRecord[];
}

/** Timestamps outside [now − 7 days, now + 5 min] are replaced by server time; the client value is kept. */
function resolveTimestamp(clientTs: number | undefined, nowMs: number): { timestamp: number; client_timestamp?: number } {
  if (clientTs === undefined) return { timestamp: nowMs };
  const inWindow = clientTs >= nowMs - LIMITS.pastWindowMs && clientTs <= nowMs + LIMITS.futureWindowMs;
  return inWindow ? { timestamp: clientTs } : { timestamp: nowMs, client_timestamp: clientTs };
}

/** Fills minted ids and server fields. One minted user and one minted session per user per request. */
export function normalizeEvents(events: ValidEvent[], facts: RequestFacts): EventRecord[] {
  let mintedUser: string | undefined;
  const mintedSessions = new Map<string, string>();
  return events.map((e) => {
    const user_id = e.user_id ?? (mintedUser ??= mintUserId(facts.hex));
    let session_id = e.session_id ?? mintedSessions.get(user_id);
    if (session_id === undefined) mintedSessions.set(user_id, (session_id = mintSessionId(facts.nowMs, facts.hex)));
    const { timestamp, client_timestamp } = resolveTimestamp(e.timestamp, facts.nowMs);
    return {
      index: e.index,
      event_id: e.event_id ?? mintEventId(facts.nowMs, facts.hex),
      event_type: e.event_type,
      user_id,
      session_id,
      timestamp,
      client_timestamp,
      page_url: e.page_url,
      referrer: e.referrer,
      user_agent: e.user_agent ?? facts.userAgentHeader?.slice(0, LIMITS.userAgentMax),
      ip_prefix: facts.ipPrefix,
      properties: e.properties,
      received_at: facts.nowMs,
      expires_at: Math.floor(timestamp / 1000) + facts.retentionDays * 86_400,
    };
  });
}

export const keyOf = (e: EventRecord) => eventKey(e.timestamp, e.event_id);

/** Moves every event of the group to `sessionId`. */
export function assignSession(group: SessionGroup, sessionId: string): SessionGroup {
  for (const e of group.events) e.session_id = sessionId;
  return { ...group, sessionId };
}

/**
 * Coalesces events by session, in time order. A gap of more than 30 minutes inside one
 * session's events starts a new session (a deterministic id, so retries land on it again).
 */
export function groupBySession(events: EventRecord[], clientSessionIds: Set<string>): SessionGroup[] {
  const bySession = new Map<string, EventRecord[]>();
  for (const e of events) {
    const list = bySession.get(e.session_id);
    if (list) list.push(e);
    else bySession.set(e.session_id, [e]);
  }
  const groups: SessionGroup[] = [];
  for (const [sessionId, list] of bySession) {
    list.sort((a, b) => a.timestamp - b.timestamp || a.index - b.index);
    let current: SessionGroup = { sessionId, mayExist: clientSessionIds.has(sessionId), events: [] };
    for (const e of list) {
      const last = current.events[current.events.length - 1];
      if (last && e.timestamp - last.timestamp > SESSION_IDLE_TIMEOUT_MS) {
        groups.push(current);
        current = { sessionId: rolloverSessionId(sessionId, keyOf(e), e.timestamp), mayExist: true, events: [] };
      }
      current.events.push(e);
    }
    groups.push(current);
  }
  return groups.map((g) => assignSession(g, g.sessionId));
}
