/**
 * Places a chain's events into its sessions (docs/sessions.md). The stored chain decides, never
 * the request: a session with a successor is closed at its boundary (events at or after it follow
 * the chain, earlier ones extend it); an open session takes every event up to 30 idle minutes
 * after its running last activity; the first event after an idle gap closes it, with the
 * successor derived from its stored state. Every step is one conditional write; a failed
 * condition returns the stored row, and the step is decided again on it.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { SESSION_IDLE_TIMEOUT_MS } from "../../contracts/tables";
import { StorageUnavailableError } from "./errors";
import type { EventRecord } from "./plan";
import { closingOf, parseSessionState, type SessionState } from "./session-state";
import { fastPathUpdate, mergeUpdate } from "./session-updates";
import { type Budget, conditionalWrite, type DynamoSender } from "./store";

export interface ChainContext {
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
}

interface Step {
  placed?: Placement;
  sessionId: string;
  pending: EventRecord[];
  state?: SessionState;
}

/** Each step either places events or learns the stored state; contention only costs steps. */
const MAX_STEPS = 64;

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
  const closing = rest.length ? closingOf(sessionId, run[run.length - 1].timestamp) : undefined;
  const out = await update(ctx, fastPathUpdate(ctx.sessionsTable, sessionId, run, ctx.retentionDays, closing));
  if (!out.applied) return { sessionId, pending, state: parseSessionState(out.stored) };
  const created = !out.oldAttributes || Object.keys(out.oldAttributes).length === 0;
  const placed = { sessionId, events: run, created, open: !closing };
  return { placed, sessionId: closing ? closing.successor : sessionId, pending: rest };
}

/** A closed session: late events before its boundary extend it, the rest follow the chain. */
async function closedStep(ctx: ChainContext, sessionId: string, pending: EventRecord[], state: SessionState): Promise<Step> {
  const before = pending.filter((e) => e.timestamp < state.boundary!);
  const next = { sessionId: state.successor!, pending: pending.slice(before.length) };
  if (before.length === 0) return next;
  const out = await update(ctx, mergeUpdate(ctx.sessionsTable, sessionId, before, state, { retentionDays: ctx.retentionDays }));
  if (!out.applied) return { sessionId, pending, state: parseSessionState(out.stored) };
  return { ...next, placed: { sessionId, events: before, created: false, open: false } };
}

/** An open session out of order or after an idle gap: merge what it takes, close it if the rest comes later. */
async function openStep(ctx: ChainContext, sessionId: string, pending: EventRecord[], state: SessionState): Promise<Step> {
  const inside = pending.slice(0, openRun(pending, state.last!));
  const rest = pending.slice(inside.length);
  const lastAfter = Math.max(state.last!, ...inside.map((e) => e.timestamp));
  const closing = rest.length ? closingOf(sessionId, lastAfter) : undefined;
  const out = await update(ctx, mergeUpdate(ctx.sessionsTable, sessionId, inside, state, { retentionDays: ctx.retentionDays, closing }));
  if (!out.applied) return { sessionId, pending, state: parseSessionState(out.stored) };
  const placed = inside.length ? { sessionId, events: inside, created: false, open: !closing } : undefined;
  return { placed, sessionId: closing ? closing.successor : sessionId, pending: rest };
}

function step(ctx: ChainContext, sessionId: string, pending: EventRecord[], state: SessionState | undefined): Promise<Step> {
  if (!state?.exists) return fastStep(ctx, sessionId, pending);
  return state.successor ? closedStep(ctx, sessionId, pending, state) : openStep(ctx, sessionId, pending, state);
}

/** Stores the chain's session updates for `events` (sorted by time) and says where each event went. */
export async function placeChain(ctx: ChainContext, headId: string, events: EventRecord[]): Promise<Placement[]> {
  const placed: Placement[] = [];
  let current: Step = { sessionId: headId, pending: events };
  for (let steps = 0; current.pending.length > 0; steps++) {
    if (steps >= MAX_STEPS) throw new StorageUnavailableError(`session chain ${headId} did not settle in ${MAX_STEPS} conditional writes`);
    current = await step(ctx, current.sessionId, current.pending, current.state);
    if (current.placed) placed.push(current.placed);
  }
  return placed;
}
