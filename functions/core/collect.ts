import { DeleteItemCommand, PutItemCommand, UpdateItemCommand, type WriteRequest } from "@aws-sdk/client-dynamodb";
import { setMaxListeners } from "node:events";
import { performance } from "node:perf_hooks";
import type { TableNames } from "../shared/schema";
import { ClientError, clientErrorResult, HttpResult, internalErrorResult, jsonResult, methodNotAllowed, StorageUnavailableError, storageUnavailableResult } from "./errors";
import { HexSource, rolloverSessionId } from "./ids";
import { clientIpPrefix } from "./ip";
import { activeExpiry, activeSessionPut, eventItem, sessionUpdate } from "./items";
import { assignSession, EventRecord, groupBySession, keyOf, normalizeEvents, SessionGroup } from "./plan";
import { HttpRequest, parseEvents } from "./request";
import { batchWriteAll, Budget, conditionalWrite, DynamoSender } from "./store";

export interface Clock {
  now(): number;
}

export interface CollectorDeps {
  db: DynamoSender;
  tables: TableNames;
  retentionDays: number;
  /** Milliseconds the invocation has left (Lambda's `getRemainingTimeInMillis`). */
  remainingTimeMs(): number;
  hex: HexSource;
  random(): number;
  sleep(ms: number): Promise<void>;
}

/** What the request did: the HTTP result plus the counters of the log line. */
export interface Outcome {
  result: HttpResult;
  events: number;
  rejected: number;
  sessions: number;
  sessionsCreated: number;
  error?: unknown;
}

/** Time kept back from the invocation's remaining time to log and answer. */
const RESPONSE_RESERVE_MS = 250;
const MAX_ROLLOVER_HOPS = 3;

function startBudget(deps: CollectorDeps): Budget {
  const deadline = performance.now() + deps.remainingTimeMs() - RESPONSE_RESERVE_MS;
  const signal = AbortSignal.timeout(Math.max(1, Math.floor(deadline - performance.now())));
  // One signal bounds every call of the request (up to 4 batches + 2 calls per session).
  setMaxListeners(0, signal);
  return {
    deadline,
    signal,
    now: () => performance.now(),
    sleep: deps.sleep,
    random: deps.random,
  };
}

interface SessionResult {
  group: SessionGroup;
  created: boolean;
  /** Set when the client's session had been idle for 30+ minutes and the events moved to a new one. */
  rolledFrom?: string;
}

/** The conditional session update; on an idle session, rolls over to a new deterministic id. */
async function updateSession(deps: CollectorDeps, group: SessionGroup, budget: Budget): Promise<SessionResult> {
  const originalId = group.sessionId;
  let current = group;
  for (let hop = 0; hop < MAX_ROLLOVER_HOPS; hop++) {
    const input = sessionUpdate(deps.tables.sessions, current, deps.retentionDays);
    const { applied, oldAttributes } = await conditionalWrite(deps.db, new UpdateItemCommand(input), budget);
    const created = !oldAttributes || Object.keys(oldAttributes).length === 0;
    if (applied) return { group: current, created, rolledFrom: hop > 0 ? originalId : undefined };
    const head = current.events[0];
    current = assignSession(current, rolloverSessionId(current.sessionId, keyOf(head), head.timestamp));
  }
  throw new StorageUnavailableError(`session ${originalId} did not settle after ${MAX_ROLLOVER_HOPS} rollovers`);
}

const isActive = (group: SessionGroup, nowMs: number) => activeExpiry(group) * 1000 > nowMs;

function putActive(deps: CollectorDeps, group: SessionGroup, budget: Budget) {
  return conditionalWrite(deps.db, new PutItemCommand(activeSessionPut(deps.tables.activeSessions, group)), budget);
}

/**
 * Events were written optimistically under the client's session id, concurrently with the
 * session update. For the rare group whose session rolled over, move them: put under the new
 * id, delete under the old one, and replace the ActiveSessions row.
 */
async function moveRolledOver(deps: CollectorDeps, moved: SessionResult, oldItems: Map<EventRecord, WriteRequest>, budget: Budget, nowMs: number) {
  const requests: WriteRequest[] = moved.group.events.flatMap((e) => [
    { PutRequest: { Item: eventItem(e) } },
    { DeleteRequest: { Key: { session_id: { S: moved.rolledFrom! }, event_key: (oldItems.get(e)!.PutRequest!.Item!.event_key) } } },
  ]);
  await Promise.all([
    batchWriteAll(deps.db, deps.tables.events, requests, budget),
    deps.db.send(new DeleteItemCommand({ TableName: deps.tables.activeSessions, Key: { session_id: { S: moved.rolledFrom! } } }), { abortSignal: budget.signal }),
    isActive(moved.group, nowMs) ? putActive(deps, moved.group, budget) : undefined,
  ]);
}

/** All writes of the request, concurrently: events (25 per batch), one session update and one active put per session. */
async function storeAll(deps: CollectorDeps, records: EventRecord[], groups: SessionGroup[], nowMs: number) {
  const budget = startBudget(deps);
  const eventWrites = new Map(records.map((e) => [e, { PutRequest: { Item: eventItem(e) } } as WriteRequest]));
  const settled = await Promise.allSettled([
    Promise.all(groups.map((g) => updateSession(deps, g, budget))),
    batchWriteAll(deps.db, deps.tables.events, [...eventWrites.values()], budget),
    Promise.all(groups.filter((g) => isActive(g, nowMs)).map((g) => putActive(deps, g, budget))),
  ]);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failure) throw failure.reason;
  const sessions = (settled[0] as PromiseFulfilledResult<SessionResult[]>).value;
  await Promise.all(sessions.filter((s) => s.rolledFrom).map((s) => moveRolledOver(deps, s, eventWrites, budget, nowMs)));
  return sessions;
}

function successBody(records: EventRecord[], batch: boolean) {
  if (!batch) return { message: "Event processed successfully", event_id: records[0].event_id, session_id: records[0].session_id };
  return {
    message: "Events processed successfully",
    accepted: records.length,
    event_ids: records.map((e) => e.event_id),
    session_ids: records.map((e) => e.session_id),
  };
}

/** Storage failures (SDK errors, throttling after retries, the budget running out) are retryable 503s. */
function isStorageFailure(error: unknown): boolean {
  if (error instanceof StorageUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  return "$metadata" in error || error.name === "AbortError" || error.name === "TimeoutError";
}

/** POST /events: validate everything, then store everything, then answer 200 — or store nothing and answer 4xx. */
export async function handleCollect(request: HttpRequest, deps: CollectorDeps, clock: Clock): Promise<Outcome> {
  const empty = { events: 0, rejected: 0, sessions: 0, sessionsCreated: 0 };
  if (request.method !== "POST") {
    const error = methodNotAllowed(request, "POST", "POST, OPTIONS");
    return { ...empty, result: clientErrorResult(error), error };
  }
  let parsed: ReturnType<typeof parseEvents>;
  try {
    parsed = parseEvents(request);
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    return { ...empty, rejected: error.rejectedEvents, result: clientErrorResult(error), error };
  }
  const nowMs = clock.now();
  const ipPrefix = clientIpPrefix(request.headers["x-forwarded-for"], request.sourceIp);
  const facts = { nowMs, ipPrefix, userAgentHeader: request.headers["user-agent"], retentionDays: deps.retentionDays, hex: deps.hex };
  const records = normalizeEvents(parsed.events, facts);
  const groups = groupBySession(records, new Set(parsed.events.flatMap((e) => (e.session_id ? [e.session_id] : []))));
  try {
    const sessions = await storeAll(deps, records, groups, nowMs);
    const created = sessions.filter((s) => s.created).length;
    const result = jsonResult(200, successBody(records, parsed.batch));
    return { result, events: records.length, rejected: 0, sessions: sessions.length, sessionsCreated: created };
  } catch (error) {
    const result = isStorageFailure(error) ? storageUnavailableResult() : internalErrorResult();
    return { ...empty, sessions: groups.length, result, error };
  }
}
