/**
 * The effective time of an event that carries a client timestamp, decided once per event
 * (docs/sessions.md, "Window edge"). Inside [now − 7 days, now + 5 min] it is the client's
 * timestamp, outside it the server's time (docs/api.md). The effective time decides the event's
 * session, and a retry arrives at another server time, possibly on the other side of an edge: so
 * a decision that a retry could contradict is pinned, with a conditional PutItem in the Events
 * table under a partition no session id can name (`#` is outside the id charset). The first pin
 * wins; every later attempt adopts it.
 *
 * - Outside the window: always pinned (server time, or the client's timestamp when an earlier
 *   in-window attempt already stored the event: it is then looked up where that attempt put it).
 * - Inside, near an edge (a retry could soon be outside): pinned as the client's timestamp, so
 *   attempts racing across the edge serialize on the pin.
 * - Inside, far from both edges: no write. A later out-of-window retry finds the stored event
 *   (above); an earlier out-of-window *future* attempt left a per-chain marker, read here with
 *   one consistent BatchGetItem per request, and only chains with a marker read their pins.
 * No attempt writes longer than MAX_ATTEMPT_MS (store.ts), nor after it answered (attempt.ts),
 * so two attempts further apart than the edge margins cannot overlap: the later one sees
 * everything the earlier one wrote.
 */
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { TableNames } from "../../contracts/tables";
import { eventKey } from "./ids";
import { mapLimited } from "./limit";
import { type EventRecord, expiresAt, keyOf, setEffectiveTime } from "./plan";
import { parseSessionState } from "./session-state";
import { type Budget, batchGetAll, conditionalWrite, type DynamoSender, type Item, MAX_ATTEMPT_MS, WRITE_CONCURRENCY } from "./store";
import { LIMITS } from "./validate";

export const PIN_PREFIX = "#pin#";
/** Sort key of a chain's future marker: `#` sorts before every event key (they start with digits). */
const FUTURE_MARKER_KEY = "#future";
/** In-window events this close to the past edge pin their decision (an offline queue near 7 days old). */
export const PAST_EDGE_MARGIN_MS = 24 * 60 * 60 * 1000;
/** In-window events this close to the future edge pin theirs; more than any attempt's lifetime. */
export const FUTURE_EDGE_MARGIN_MS = 4 * MAX_ATTEMPT_MS;

export interface PinContext {
  db: DynamoSender;
  tables: TableNames;
  retentionDays: number;
  budget: Budget;
  nowMs: number;
}

/** The partition of a chain's pins. */
export const pinPartition = (chainId: string) => `${PIN_PREFIX}${chainId}`;

const pinKey = (e: EventRecord): Item => ({ session_id: pinPartition(e.chain_id), event_key: keyOf(e) });
/** The key of a chain's future marker. */
export const markerKey = (chainId: string): Item => ({ session_id: pinPartition(chainId), event_key: FUTURE_MARKER_KEY });

/** Adopts an effective time: the client's timestamp (no client_timestamp kept) or a server time. */
function adopt(e: EventRecord, effective: number, retentionDays: number): void {
  setEffectiveTime(e, effective, retentionDays);
  e.client_timestamp = effective === e.identity_timestamp ? undefined : e.identity_timestamp;
}

const pinnedTime = (item: Item | undefined) => {
  const t = Number(item?.pinned_timestamp);
  return item && Number.isSafeInteger(t) ? t : undefined;
};

/** Proposes `effective` with a conditional put; the pin already stored, if any, wins. */
async function pin(ctx: PinContext, e: EventRecord, effective: number): Promise<void> {
  const command = new PutCommand({
    TableName: ctx.tables.events,
    Item: { ...pinKey(e), pinned_timestamp: effective, expires_at: expiresAt(Math.max(effective, ctx.nowMs), ctx.retentionDays) },
    ConditionExpression: "attribute_not_exists(event_key)",
    ReturnValuesOnConditionCheckFailure: "ALL_OLD",
  });
  const out = await conditionalWrite(ctx.db, command, ctx.budget);
  adopt(e, (out.applied ? undefined : pinnedTime(out.stored)) ?? effective, ctx.retentionDays);
}

const consistentGet = (ctx: PinContext, table: string, key: Item) =>
  ctx.db.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }), { abortSignal: ctx.budget.signal });

/**
 * Whether an earlier in-window attempt stored `e` (placed by its client timestamp): follows the
 * chain to the session that timestamp lands in, as placement does (chain.ts), and looks there
 * for the event, or for a row that an attempt which failed before writing the event already
 * moved by it (its start, last activity, entry or exit is this event): placing it there again
 * keeps that row true to its events.
 */
async function storedInWindow(ctx: PinContext, e: EventRecord): Promise<boolean> {
  const ts = e.identity_timestamp;
  for (let id = e.chain_id; ; ) {
    const row = (await consistentGet(ctx, ctx.tables.sessions, { session_id: id })).Item;
    const state = parseSessionState(row);
    if (!state.exists) return false;
    if (state.successor !== undefined && state.boundary !== undefined && ts >= state.boundary) {
      // The head's tail pointer skips the closed sessions in between (chain.ts).
      id = state.tailId !== undefined && state.tailFrom !== undefined && ts >= state.tailFrom ? state.tailId : state.successor;
      continue;
    }
    const own = eventKey(ts, e.event_id);
    if (state.start === ts || state.last === ts || state.entryKey === own || state.exitKey === own) return true;
    return (await consistentGet(ctx, ctx.tables.events, { session_id: id, event_key: keyOf(e) })).Item !== undefined;
  }
}

/** Raises the chain's future marker to this event's timestamp (and its expiry), so in-window retries look for the pin. */
async function raiseFutureMarker(ctx: PinContext, e: EventRecord): Promise<void> {
  const expires = expiresAt(ctx.nowMs, ctx.retentionDays);
  const raise = (set: string, condition: string) =>
    conditionalWrite(
      ctx.db,
      new UpdateCommand({
        TableName: ctx.tables.events,
        Key: markerKey(e.chain_id),
        UpdateExpression: set,
        ConditionExpression: condition,
        ExpressionAttributeValues: { ":ts": e.identity_timestamp, ":exp": expires },
      }),
      ctx.budget,
      { readOnFailure: false },
    );
  const out = await raise(
    "SET latest_timestamp = :ts, expires_at = :exp",
    "attribute_not_exists(latest_timestamp) OR latest_timestamp < :ts",
  );
  if (!out.applied) await raise("SET expires_at = :exp", "latest_timestamp >= :ts AND expires_at < :exp");
}

async function decideOutside(ctx: PinContext, e: EventRecord): Promise<void> {
  if (e.identity_timestamp > ctx.nowMs) {
    // The marker first: an in-window retry that misses it cannot have started before this attempt wrote it.
    await raiseFutureMarker(ctx, e);
    return pin(ctx, e, ctx.nowMs);
  }
  const stored = pinnedTime((await consistentGet(ctx, ctx.tables.events, pinKey(e))).Item);
  if (stored !== undefined) return adopt(e, stored, ctx.retentionDays);
  return pin(ctx, e, (await storedInWindow(ctx, e)) ? e.identity_timestamp : ctx.nowMs);
}

/** In-window events far from the edges: adopt the pins that earlier out-of-window future attempts left. */
async function adoptFuturePins(ctx: PinContext, inside: EventRecord[]): Promise<void> {
  if (inside.length === 0) return;
  const chains = [...new Set(inside.map((e) => e.chain_id))];
  const markers = await batchGetAll(ctx.db, ctx.tables.events, chains.map(markerKey), ctx.budget);
  const latest = new Map(markers.map((m) => [String(m.session_id).slice(PIN_PREFIX.length), Number(m.latest_timestamp)]));
  const candidates = inside.filter((e) => e.identity_timestamp <= (latest.get(e.chain_id) ?? -1));
  if (candidates.length === 0) return;
  const pins = await batchGetAll(ctx.db, ctx.tables.events, candidates.map(pinKey), ctx.budget);
  const byKey = new Map(pins.map((p) => [`${p.session_id}\u0000${p.event_key}`, pinnedTime(p)]));
  for (const e of candidates) {
    const t = byKey.get(`${pinPartition(e.chain_id)}\u0000${keyOf(e)}`);
    if (t !== undefined) adopt(e, t, ctx.retentionDays);
  }
}

type Side = "outside" | "edge" | "inside";

function sideOf(e: EventRecord, nowMs: number): Side {
  if (e.client_timestamp !== undefined) return "outside";
  const ts = e.identity_timestamp;
  const nearPast = ts < nowMs - LIMITS.pastWindowMs + PAST_EDGE_MARGIN_MS;
  const nearFuture = ts > nowMs + LIMITS.futureWindowMs - FUTURE_EDGE_MARGIN_MS;
  return nearPast || nearFuture ? "edge" : "inside";
}

/** Decides the effective time of every event of the request that carries a client timestamp, before any placement. */
export async function decideEffectiveTimes(ctx: PinContext, records: EventRecord[]): Promise<void> {
  const sides: Record<Side, EventRecord[]> = { outside: [], edge: [], inside: [] };
  for (const e of records) if (e.client_time) sides[sideOf(e, ctx.nowMs)].push(e);
  const pinned = [...sides.outside, ...sides.edge];
  await Promise.all([
    mapLimited(pinned, WRITE_CONCURRENCY, (e) =>
      e.client_timestamp !== undefined ? decideOutside(ctx, e) : pin(ctx, e, e.identity_timestamp),
    ),
    adoptFuturePins(ctx, sides.inside),
  ]);
}
