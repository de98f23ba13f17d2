import { createHash, randomBytes } from "node:crypto";

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

/**
 * The id a session rolls over to. Derived from the old id and the first event of the new
 * session, so a retried request rolls over to the same session and its events land on the
 * same items instead of being duplicated under a second new id.
 */
export function rolloverSessionId(oldSessionId: string, firstEventKey: string, firstTimestamp: number): string {
  const digest = createHash("sha256").update(`${oldSessionId}|${firstEventKey}`).digest("hex");
  return `sess_${firstTimestamp}_${digest.slice(0, 8)}`;
}

/** Events sort key: `<timestamp ms, 13 digits>#<event_id>`. */
export function eventKey(timestamp: number, eventId: string): string {
  return `${String(timestamp).padStart(13, "0")}#${eventId}`;
}
