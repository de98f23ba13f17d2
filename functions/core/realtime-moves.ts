/**
 * Keeps the realtime counters (realtime-buckets.ts) in step with the sessions, exactly once per
 * change, with single-item conditional writes only (dynalite, which local mode and the tests run
 * on, has no TransactWriteItems). Each counted entity, a session or a user, has a marker on the
 * item that holds it (the Sessions row; the user's record): `rt_minute` / `rt_page`, what the
 * counters hold for it now, and while a move is under way `rt_move`, the move's target and token.
 * A move is four writes, each safe to repeat:
 *   1. start: SET rt_move, on condition that no move is pending and the marker is what was read;
 *   2. apply: on each bucket item, ADD the counter changes and SET the token attribute, on
 *      condition that the token attribute is absent (a repeat finds it and changes nothing);
 *   3. commit: SET the marker to the target and REMOVE rt_move, on condition it is still this move;
 *   4. clean: REMOVE the token attribute from the bucket items (it is needed only until step 3).
 * A failed condition is answered by reading the item again (Developer Guide, "Condition
 * expressions": a failed condition writes nothing,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html),
 * and an error that may have hidden a landed write (a 5xx, a lost response) by repeating the
 * write: step 2's token and steps 1 and 3's conditions make the repeat a no-op if the first landed.
 * A request finishes its own moves; a move another request started is left to it, unless that
 * request's storage time is certainly over (store.ts MAX_ATTEMPT_MS), when anyone may finish it.
 */
import { GetCommand, UpdateCommand, type UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import { ACTIVE_WINDOW_MINUTES } from "../../contracts/realtime";
import { StorageUnavailableError } from "./errors";
import { siteOfKey } from "./ids";
import {
  type CounterKind,
  type Deltas,
  freshFrom,
  type Mark,
  minuteOf,
  moveDeltas,
  STALE_MARGIN_MINUTES,
  slotExpiry,
  slotOfKey,
  userRecordKey,
} from "./realtime-buckets";
import { type Budget, backoffDelay, type DynamoSender, type Item, MAX_ATTEMPT_MS } from "./store";

export interface MoveContext {
  db: DynamoSender;
  sessionsTable: string;
  countersTable: string;
  shards: number;
  budget: Budget;
  /** The request's time: decides which minutes are past every window (realtime-buckets.ts freshFrom). */
  nowMs: number;
  /**
   * Real time, for the age of another request's move: the storage budget that bounds that
   * request is real time (store.ts MAX_ATTEMPT_MS), whatever clock its events were timed by.
   */
  wallClock(): number;
  /** Unique per request: the moves it starts carry it. */
  owner: string;
  /** The request's user moves in flight, so two sessions of one user move it one after the other, not racing. */
  userMoves: Map<string, Promise<void>>;
}

interface PendingMove {
  to: Mark;
  token: string;
  owner: string;
  since: number;
}

interface MarkerState {
  at?: Mark;
  move?: PendingMove;
  item: Item;
}

interface Holder {
  kind: CounterKind;
  table: string;
  key: Item;
  site: string;
  entityKey: string;
  /** The target the marker should reach, or undefined when it need not move. */
  target(state: MarkerState): Mark | undefined;
  /** Runs before a move commits: a session's user moves first, so a retried move redoes it too. */
  beforeCommit?(move: PendingMove, from: Mark | undefined): Promise<void>;
  /** Wait for another request's move instead of leaving it to that request (a user's wanted minute lives only in this request). */
  waitsForOthers: boolean;
}

/**
 * Calls one session's settling keeps in flight at most: its user's move (whose apply touches up to
 * two bucket items) beside its own apply on up to two bucket items.
 */
export const CALLS_PER_SETTLE = 4;

/** A move another request started may be finished by anyone after its storage time (plus clock drift between hosts). */
export const TAKEOVER_AFTER_MS = MAX_ATTEMPT_MS + 5_000;

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
const sameMark = (a: Mark | undefined, b: Mark | undefined) => a?.minute === b?.minute && (a?.page ?? "") === (b?.page ?? "");

function markerState(item: Item | undefined): MarkerState {
  const found = item ?? {};
  const at = found.rt_minute === undefined ? undefined : { minute: Number(found.rt_minute), page: str(found.rt_page) };
  const m = found.rt_move as Item | undefined;
  const move = m && {
    to: { minute: Number(m.minute), page: str(m.page) },
    token: String(m.token),
    owner: String(m.owner),
    since: Number(m.since),
  };
  return { at, move, item: found };
}

const isConditionFailure = (error: unknown) => error instanceof Error && error.name === "ConditionalCheckFailedException";

/** Errors after which the write may or may not have landed, or that a later attempt may not meet: repeated. */
function isRepeatable(error: unknown): boolean {
  if (!(error instanceof Error) || error.name === "AbortError" || error.name === "TimeoutError") return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === undefined) return true; // a network error: no answer came back
  return status >= 500 || /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded/.test(error.name);
}

/** Sends a guarded write until it lands or its condition fails; `applied: false` means the condition failed. */
async function send(ctx: MoveContext, input: UpdateCommandInput): Promise<{ applied: boolean; item?: Item }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const out = await ctx.db.send(new UpdateCommand(input), { abortSignal: ctx.budget.signal });
      return { applied: true, item: out.Attributes };
    } catch (error) {
      if (isConditionFailure(error)) return { applied: false };
      if (!isRepeatable(error)) throw error;
      const delay = backoffDelay(attempt, ctx.budget.random);
      if (ctx.budget.now() + delay >= ctx.budget.deadline) throw error;
      await ctx.budget.sleep(delay);
    }
  }
}

async function read(ctx: MoveContext, h: Holder): Promise<MarkerState> {
  for (let attempt = 1; ; attempt++) {
    try {
      const out = await ctx.db.send(new GetCommand({ TableName: h.table, Key: h.key, ConsistentRead: true }), {
        abortSignal: ctx.budget.signal,
      });
      return markerState(out.Item);
    } catch (error) {
      const delay = backoffDelay(attempt, ctx.budget.random);
      if (!isRepeatable(error) || ctx.budget.now() + delay >= ctx.budget.deadline) throw error;
      await ctx.budget.sleep(delay);
    }
  }
}

/** A user's record lives as long as a snapshot may count its minute. */
const recordExpiry = (minute: number) => (minute + ACTIVE_WINDOW_MINUTES + STALE_MARGIN_MINUTES + 1) * 60;

function startMove(h: Holder, state: MarkerState, move: PendingMove): UpdateCommandInput {
  const [hashKey] = Object.keys(h.key);
  const values: Item = { ":move": { minute: move.to.minute, token: move.token, owner: move.owner, since: move.since } };
  if (move.to.page) values[":move"].page = move.to.page;
  const conditions = ["attribute_not_exists(rt_move)"];
  // Only a session's marker needs its row: a user's record is created by its first move.
  if (h.kind === "session") conditions.push(`attribute_exists(${hashKey})`);
  if (!state.at) conditions.push("attribute_not_exists(rt_minute)");
  else {
    conditions.push("rt_minute = :at_minute");
    values[":at_minute"] = state.at.minute;
    if (state.at.page) {
      conditions.push("rt_page = :at_page");
      values[":at_page"] = state.at.page;
    } else conditions.push("attribute_not_exists(rt_page)");
  }
  const sets = ["rt_move = :move"];
  if (h.kind === "user") {
    sets.push("expires_at = :exp");
    values[":exp"] = recordExpiry(move.to.minute);
  }
  return {
    TableName: h.table,
    Key: h.key,
    UpdateExpression: `SET ${sets.join(", ")}`,
    ConditionExpression: conditions.join(" AND "),
    ExpressionAttributeValues: values,
    ReturnValues: "ALL_NEW",
  };
}

function commitMove(h: Holder, move: PendingMove): UpdateCommandInput {
  const values: Item = { ":token": move.token, ":minute": move.to.minute };
  const sets = ["rt_minute = :minute"];
  const removes = ["rt_move"];
  if (move.to.page) {
    sets.push("rt_page = :page");
    values[":page"] = move.to.page;
  } else removes.push("rt_page");
  if (h.kind === "user") {
    sets.push("expires_at = :exp");
    values[":exp"] = recordExpiry(move.to.minute);
  }
  return {
    TableName: h.table,
    Key: h.key,
    UpdateExpression: `SET ${sets.join(", ")} REMOVE ${removes.join(", ")}`,
    ConditionExpression: "rt_move.#token = :token",
    ExpressionAttributeNames: { "#token": "token" },
    ExpressionAttributeValues: values,
    ReturnValues: "ALL_NEW",
  };
}

/** Step 2 on one bucket item: the counter changes, once per token. */
export function applyOnce(table: string, key: string, counters: Map<string, number>, token: string): UpdateCommandInput {
  const names: Record<string, string> = { "#t": `t:${token}` };
  // Every write of a slot sets the same expiry, so a repeat changes nothing.
  const values: Item = { ":one": 1, ":exp": slotExpiry(slotOfKey(key)) };
  const adds = [...counters].map(([name, by], i) => {
    names[`#c${i}`] = name;
    values[`:c${i}`] = by;
    return `#c${i} :c${i}`;
  });
  return {
    TableName: table,
    Key: { counter_key: key },
    UpdateExpression: `ADD ${adds.join(", ")} SET #t = :one, expires_at = :exp`,
    ConditionExpression: "attribute_not_exists(#t)",
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

function removeToken(table: string, key: string, token: string): UpdateCommandInput {
  return {
    TableName: table,
    Key: { counter_key: key },
    UpdateExpression: "REMOVE #t",
    // Never create an item just to remove an attribute from it.
    ConditionExpression: "attribute_exists(counter_key)",
    ExpressionAttributeNames: { "#t": `t:${token}` },
  };
}

async function finish(ctx: MoveContext, h: Holder, state: MarkerState): Promise<MarkerState> {
  const move = state.move!;
  const deltas: Deltas = moveDeltas(
    h.kind,
    { site: h.site, entityKey: h.entityKey, shards: ctx.shards },
    state.at,
    move.to,
    freshFrom(ctx.nowMs),
  );
  // The user's move and this one's counter changes are independent; both are done before the commit.
  await Promise.all([
    h.beforeCommit?.(move, state.at),
    ...[...deltas].map(([key, counters]) => send(ctx, applyOnce(ctx.countersTable, key, counters, move.token))),
  ]);
  const out = await send(ctx, commitMove(h, move));
  // Not applied: the move was committed already (this request's earlier attempt, or a request that took it over).
  const after = out.applied ? markerState(out.item) : await read(ctx, h);
  await Promise.all([...deltas.keys()].map((key) => send(ctx, removeToken(ctx.countersTable, key, move.token))));
  return after;
}

let moveCounter = 0;

/** Moves `h`'s marker until it needs no move (or another request is moving it and will finish). */
async function settle(ctx: MoveContext, h: Holder, start: MarkerState): Promise<void> {
  let state = start;
  for (let round = 1; ; round++) {
    if (ctx.budget.now() >= ctx.budget.deadline)
      throw new StorageUnavailableError(`the realtime counters of ${h.entityKey} did not settle within the request's storage time`);
    const move = state.move;
    if (move && move.owner !== ctx.owner && ctx.wallClock() < move.since + TAKEOVER_AFTER_MS) {
      if (!h.waitsForOthers) return;
      await ctx.budget.sleep(backoffDelay(Math.min(round, 6), ctx.budget.random));
      state = await read(ctx, h);
      continue;
    }
    if (move) {
      state = await finish(ctx, h, state);
      continue;
    }
    const to = h.target(state);
    if (!to) return;
    const next = { to, token: `${ctx.owner}.${++moveCounter}`, owner: ctx.owner, since: ctx.wallClock() };
    const out = await send(ctx, startMove(h, state, next));
    state = out.applied ? markerState(out.item) : await read(ctx, h);
  }
}

export interface SessionToSettle {
  /** The Sessions key (`<site>#<session>`). */
  sessionId: string;
  /** The Sessions row as this request last saw it (an update's ALL_NEW image). */
  row: Item;
}

/**
 * Brings the counters to `row`'s state: the session counted at the minute of its last activity
 * and its exit page, its user at the latest minute of the user's sessions. Nothing is written
 * when neither changed (a heartbeat in the same minute), nor for a session whose old and new
 * minutes are both past every window still read (a late event of a long-closed session).
 */
export async function settleSession(ctx: MoveContext, session: SessionToSettle): Promise<void> {
  const site = siteOfKey(session.sessionId);
  // Set when the session's row is created and never changed (session-updates.ts: if_not_exists).
  const userId = str(session.row.user_id);
  const fresh = freshFrom(ctx.nowMs);
  const holder: Holder = {
    kind: "session",
    table: ctx.sessionsTable,
    key: { session_id: session.sessionId },
    site,
    entityKey: session.sessionId,
    waitsForOthers: false,
    target(state) {
      if (state.item.last_activity === undefined) return undefined;
      const to = { minute: minuteOf(Number(state.item.last_activity)), page: str(state.item.exit_page) };
      if (sameMark(to, state.at) || (state.at && to.minute < state.at.minute) || to.minute < fresh) return undefined;
      return to;
    },
    async beforeCommit(move, from) {
      if (!userId || (from && move.to.minute <= from.minute)) return;
      await settleUser(ctx, site, userId, move.to.minute);
    },
  };
  await settle(ctx, holder, markerState(session.row));
}

/** Moves the user to `wanted` after any move of the same user this request already has in flight. */
function settleUser(ctx: MoveContext, site: string, userId: string, wanted: number): Promise<void> {
  const key = userRecordKey(site, userId);
  const moves = ctx.userMoves;
  const next = (moves.get(key) ?? Promise.resolve()).catch(() => undefined).then(() => moveUser(ctx, site, key, wanted));
  moves.set(key, next);
  return next;
}

async function moveUser(ctx: MoveContext, site: string, key: string, wanted: number) {
  const holder: Holder = {
    kind: "user",
    table: ctx.countersTable,
    key: { counter_key: key },
    site,
    entityKey: key,
    waitsForOthers: true,
    target: (state) => (state.at && state.at.minute >= wanted ? undefined : { minute: wanted }),
  };
  await settle(ctx, holder, await read(ctx, holder));
}
