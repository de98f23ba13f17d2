import { SESSION_IDLE_TIMEOUT_MS } from "../../contracts/tables";
import { successorSessionId } from "./ids";
import type { Item } from "./store";

/** The parts of a stored Sessions row that decide where an event goes and which sides to move. */
export interface SessionState {
  exists: boolean;
  start?: number;
  last?: number;
  /** `<timestamp>#<event_id>` of the event that set entry_page / exit_page. */
  entryKey?: string;
  exitKey?: string;
  /** Set once, by the conditional write that closes the session. */
  successor?: string;
  /** Events at or after this time (ms) belong to the successor. */
  boundary?: number;
  /**
   * On a chain head only: the latest session of the chain known to its writers, and the boundary
   * it starts at. Boundaries grow along a chain, so an event at or after `tailFrom` belongs to the
   * tail or a later session: placement jumps there instead of walking every closed session.
   */
  tailId?: string;
  tailFrom?: number;
}

// Number() reads a stored number however the document client was told to unmarshall it (number, bigint, NumberValue).
const num = (v: unknown) => (v === undefined ? undefined : Number(v));
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

export function parseSessionState(item: Item | undefined): SessionState {
  if (!item?.session_id) return { exists: false };
  return {
    exists: true,
    start: num(item.start_time),
    last: num(item.last_activity),
    entryKey: str(item.entry_key),
    exitKey: str(item.exit_key),
    successor: str(item.successor),
    boundary: num(item.boundary),
    tailId: str(item.tail_id),
    tailFrom: num(item.tail_from),
  };
}

/** How a session is closed when its last activity is `lastActivity`: successor id and boundary. */
export function closingOf(sessionId: string, lastActivity: number) {
  return { successor: successorSessionId(sessionId, lastActivity), boundary: lastActivity + SESSION_IDLE_TIMEOUT_MS + 1 };
}
