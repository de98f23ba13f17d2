import { createHash, randomBytes } from "node:crypto";
import { SESSION_KEY_SEPARATOR } from "../../contracts/tables";

/** Source of the random part of minted ids; injectable so tests are deterministic. */
export type HexSource = () => string;

export const randomHex8: HexSource = () => randomBytes(4).toString("hex");

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** `evt_<YYYYMMDD_HHMMSS>_<8 hex>` in UTC. */
export function mintEventId(nowMs: number, hex: HexSource): string {
  const d = new Date(nowMs);
  const date = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return `evt_${date}_${time}_${hex()}`;
}

export function mintSessionId(nowMs: number, hex: HexSource): string {
  return `sess_${nowMs}_${hex()}`;
}

export function mintUserId(hex: HexSource): string {
  return `user_${hex()}`;
}

/** The Events / Sessions key of a session of a site: `<site_id>#<session_id>` (contracts/tables.ts). */
export function sessionKey(siteId: string, sessionId: string): string {
  return `${siteId}${SESSION_KEY_SEPARATOR}${sessionId}`;
}

/** The session id a client sees, out of a session key (a bare id stays as it is). */
export function sessionIdOfKey(key: string): string {
  const at = key.indexOf(SESSION_KEY_SEPARATOR);
  return at < 0 ? key : key.slice(at + 1);
}

/** The site of a session key ("" for a bare id). */
export function siteOfKey(key: string): string {
  const at = key.indexOf(SESSION_KEY_SEPARATOR);
  return at < 0 ? "" : key.slice(0, at);
}

/**
 * The successor of an idle session. Derived only from the predecessor's stored state (its id and
 * the `last_activity` it had when it was closed), never from the request: every request that finds
 * the same idle session computes the same id, and the conditional write that closes the session
 * records it, so two tabs resuming at once and every retry continue in one successor.
 */
export function successorSessionId(predecessorId: string, lastActivityAtClose: number): string {
  // Given a session key, the successor stays in the predecessor's site: its key keeps the prefix.
  const id = sessionIdOfKey(predecessorId);
  const digest = createHash("sha256").update(`${id}|${lastActivityAtClose}`).digest("hex");
  const successor = `sess_${lastActivityAtClose}_${digest.slice(0, 8)}`;
  return id === predecessorId ? successor : sessionKey(siteOfKey(predecessorId), successor);
}

/** Events sort key: `<identity timestamp ms, 13 digits>#<event_id>` (docs/api.md). */
export function eventKey(timestamp: number, eventId: string): string {
  return `${String(timestamp).padStart(13, "0")}#${eventId}`;
}
