/**
 * Places a chain's events into its sessions (docs/sessions.md). The stored chain decides, never
 * the request: a session with a successor is closed at its boundary (events at or after it follow
 * the chain, earlier ones extend it); an open session takes every event up to 30 idle minutes
 * after its running last activity; the first event after an idle gap closes it, with the
 * successor derived from its stored state. Every step is one conditional write; a failed
 * condition returns the stored row, and the step is decided again on it.
 *
 * Long chains: the head records the chain's tail (session-state.ts), so events at or after the
 * tail's start go straight there, and a request that closes sessions moves the tail with one
 * write. Walking costs O(1) writes per session this request touches, never per closed session
 * passed over; contention is bounded by the request's storage time, not a step count.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { SESSION_IDLE_TIMEOUT_MS } from "../../contracts/tables";
import { StorageUnavailableError } from "./errors";
import type { EventRecord } from "./plan";
import { closingOf, parseSessionState, type SessionState } from "./session-state";
import { type Closing, fastPathUpdate, mergeUpdate, tailUpdate } from "./session-updates";
import { type Budget, conditionalWrite, type DynamoSender, type Item } from "./store";

export interface ChainContext {
  /** The session id the client named: the chain's head. */
  headId: string;
  db: DynamoSender;
  sessionsTable: string;
  retentionDays: number;
  budget: Budget;
}

/** Events stored in one session by this request. `open`: the session has no successor (it is live). */
export interface Placement {
  sessionId: string;
  events: EventRecord[];
  created: boolean;
  open: boolean;
  /** The Sessions row right after this request's update (ALL_NEW): the realtime counters move to it. */
  row: Item;
}

interface Step {
  placed?: Placement;
  /** The session this step closed, if it did. */
  closed?: Closing;
  /** Set when the step moved on along the chain: the boundary of the session it left. */
  crossed?: number;
  sessionId: string;
  pending: EventRecord[];
  state?: SessionState;
}

/** Length of the leading run of `events` (sorted) without an idle gap inside it. */
function leadingRun(events: EventRecord[]): number {
  for (let i = 1; i < events.length; i++) if (events[i].timestamp - events[i - 1].timestamp > SESSION_IDLE_TIMEOUT_MS) return i;
  return events.length;
}

/** How many of `events` (sorted) an open session whose last activity is `last` takes. */
function openRun(events: EventRecord[], last: number): number {
  let max = last;
  for (let i = 0; i < events.length; i++) {
    if (events[i].timestamp - max > SESSION_IDLE_TIMEOUT_MS) return i;
    max = Math.max(max, events[i].timestamp);
  }
  return events.length;
}

async function update(ctx: ChainContext, input: ConstructorParameters<typeof UpdateCommand>[0]) {
  return conditionalWrite(ctx.db, new UpdateCommand(input), ctx.budget);
}

/** State unknown: try the common case (new session, or in-order events of a live one). */
async function fastStep(ctx: ChainContext, sessionId: string, pending: EventRecord[]): Promise<Step> {
  const run = pending.slice(0, leadingRun(pending));
  const rest = pending.slice(run.length);
  const closing = rest.length ? closeAt(ctx, sessionId, run[run.length - 1].timestamp) : undefined;
  const out = await update(ctx, fastPathUpdate(ctx.sessionsTable, sessionId, run, ctx.retentionDays, closing));
  if (!out.applied) return { sessionId, pending, state: parseSessionState(out.stored) };
  const row = out.attributes ?? {};
  // A row exists only with events in it (every creating write ADDs them), so a new one counts just these.
  const created = Number(row.total_events) === run.length;
  const placed = { sessionId, events: run, created, open: !closing, row };
  return closing
    ? { placed, closed: closing, crossed: closing.boundary, sessionId: closing.successor, pending: rest }
    : { placed, sessionId, pending: rest };
}

/** How `sessionId` closes at `lastActivity`; a closing head records its successor as the tail in the same write. */
function closeAt(ctx: ChainContext, sessionId: string, lastActivity: number): Closing {
  return { ...closingOf(sessionId, lastActivity), head: sessionId === ctx.headId };
}

/** A closed session: late events before its boundary extend it, the rest follow the chain. */
async function closedStep(ctx: ChainContext, sessionId: string, pending: EventRecord[], state: SessionState): Promise<Step> {
  const before = pending.filter((e) => e.timestamp < state.boundary!);
  const next = { sessionId: state.successor!, crossed: state.boundary, pending: pending.slice(before.length) };
  if (before.length === 0) return next;
  const out = await update(ctx, mergeUpdate(ctx.sessionsTable, sessionId, before, state, { retentionDays: ctx.retentionDays }));
  if (!out.applied) return { sessionId, pending, state: parseSessionState(out.stored) };
  return { ...next, placed: { sessionId, events: before, created: false, open: false, row: out.attributes ?? {} } };
}

/** An open session out of order or after an idle gap: merge what it takes, close it if the rest comes later. */
async function openStep(ctx: ChainContext, sessionId: string, pending: EventRecord[], state: SessionState): Promise<Step> {
  const inside = pending.slice(0, openRun(pending, state.last!));
  const rest = pending.slice(inside.length);
  const lastAfter = Math.max(state.last!, ...inside.map((e) => e.timestamp));
  const closing = rest.length ? closeAt(ctx, sessionId, lastAfter) : undefined;
  const out = await update(ctx, mergeUpdate(ctx.sessionsTable, sessionId, inside, state, { retentionDays: ctx.retentionDays, closing }));
  if (!out.applied) return { sessionId, pending, state: parseSessionState(out.stored) };
  const placed = inside.length ? { sessionId, events: inside, created: false, open: !closing, row: out.attributes ?? {} } : undefined;
  if (!closing) return { placed, sessionId, pending: rest };
  return { placed, closed: closing, crossed: closing.boundary, sessionId: closing.successor, pending: rest };
}

function step(ctx: ChainContext, sessionId: string, pending: EventRecord[], state: SessionState | undefined): Promise<Step> {
  if (!state?.exists) return fastStep(ctx, sessionId, pending);
  return state.successor ? closedStep(ctx, sessionId, pending, state) : openStep(ctx, sessionId, pending, state);
}

/** Where a walk is: the session, and the boundary crossed to reach it (the chain's sessions start at growing boundaries). */
interface Position {
  sessionId: string;
  from: number;
}

/**
 * The session to try next: the head's tail when every pending event is at or after the tail's
 * start and the tail lies ahead of the walk, else the walk's own next session.
 */
function nextPosition(next: Position, pending: EventRecord[], head: SessionState | undefined): Position {
  if (head?.tailId === undefined || head.tailFrom === undefined || pending.length === 0) return next;
  return pending[0].timestamp >= head.tailFrom && head.tailFrom > next.from ? { sessionId: head.tailId, from: head.tailFrom } : next;
}

/** Stores the chain's session updates for `events` (sorted by time) and says where each event went. */
export async function placeChain(ctx: ChainContext, events: EventRecord[]): Promise<Placement[]> {
  const placed: Placement[] = [];
  let head: SessionState | undefined;
  let latestClose: Closing | undefined;
  let current: Step = { sessionId: ctx.headId, pending: events };
  while (current.pending.length > 0) {
    if (ctx.budget.now() >= ctx.budget.deadline)
      throw new StorageUnavailableError(`session chain ${ctx.headId} did not settle within the request's storage time`);
    const at = current.sessionId;
    current = await step(ctx, at, current.pending, current.state);
    if (current.placed) placed.push(current.placed);
    if (current.closed && (latestClose === undefined || current.closed.boundary > latestClose.boundary)) latestClose = current.closed;
    if (current.crossed === undefined) {
      if (at === ctx.headId && current.state) head = current.state;
      continue;
    }
    const next = nextPosition({ sessionId: current.sessionId, from: current.crossed }, current.pending, head);
    if (next.sessionId !== current.sessionId) current = { sessionId: next.sessionId, pending: current.pending };
  }
  if (latestClose && !latestClose.head)
    await conditionalWrite(ctx.db, new UpdateCommand(tailUpdate(ctx.sessionsTable, ctx.headId, latestClose)), ctx.budget, {
      readOnFailure: false,
    });
  return placed;
}
