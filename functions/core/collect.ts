import { setMaxListeners } from "node:events";
import { performance } from "node:perf_hooks";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { TableNames } from "../../contracts/tables";
import { admit, type DropReason, type SiteTable } from "./admission";
import { settledAttempt } from "./attempt";
import { type Placement, placeChain } from "./chain";
import { refuseDuplicates } from "./duplicates";
import {
  ClientError,
  clientErrorResult,
  type HttpResult,
  internalErrorResult,
  jsonResult,
  methodNotAllowed,
  StorageUnavailableError,
  storageUnavailableResult,
} from "./errors";
import { type HexSource, sessionIdOfKey } from "./ids";
import { clientIpPrefix } from "./ip";
import { activeExpiry, activeSessionPut, eventItem } from "./items";
import { mapLimited } from "./limit";
import { decideEffectiveTimes } from "./pins";
import { type EventRecord, groupBySession, normalizeEvents } from "./plan";
import { type HttpRequest, parseEvents } from "./request";
import { type Budget, batchWriteAll, conditionalWrite, type DynamoSender, MAX_ATTEMPT_MS, WRITE_CONCURRENCY } from "./store";

export interface Clock {
  now(): number;
}

export interface CollectorDeps {
  db: DynamoSender;
  tables: TableNames;
  /** The stack's sites, from the environment at cold start (admission.ts). */
  sites: SiteTable;
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
  /** Events refused because of where they came from or who sent them (docs/sites.md), by reason. */
  dropped?: number;
  dropReason?: DropReason;
  error?: unknown;
}

/** Time kept back from the invocation's remaining time to log and answer. */
const RESPONSE_RESERVE_MS = 250;

function startBudget(deps: CollectorDeps): Budget {
  const deadline = performance.now() + Math.min(deps.remainingTimeMs() - RESPONSE_RESERVE_MS, MAX_ATTEMPT_MS);
  const signal = AbortSignal.timeout(Math.max(1, Math.floor(deadline - performance.now())));
  // One signal bounds every call of the request: pins, the conditional session writes, batches, live rows.
  setMaxListeners(0, signal);
  return {
    deadline,
    signal,
    now: () => performance.now(),
    sleep: deps.sleep,
    random: deps.random,
  };
}

/** Live: the session's last activity (as stored after this request's update) is less than 30 minutes before now. */
const isActive = (placement: Placement, nowMs: number) => activeExpiry(Number(placement.row.last_activity)) * 1000 > nowMs;

/** The live row of an open session: a snapshot of its Sessions row after this request's update. */
function writeActive(deps: CollectorDeps, placement: Placement, budget: Budget) {
  const command = new PutCommand(activeSessionPut(deps.tables.activeSessions, placement.sessionId, placement.row));
  // A failed condition means a newer request already moved the row on: nothing to do.
  return conditionalWrite(deps.db, command, budget, { readOnFailure: false });
}

/**
 * Decides effective times (pins), places every chain's events (the conditional Sessions writes), then
 * writes the events under their resolved sessions and the live rows, concurrently.
 */
async function storeAll(deps: CollectorDeps, records: EventRecord[], nowMs: number): Promise<Placement[]> {
  const budget = startBudget(deps);
  await decideEffectiveTimes({ db: deps.db, tables: deps.tables, retentionDays: deps.retentionDays, budget, nowMs }, records);
  const ctx = { db: deps.db, sessionsTable: deps.tables.sessions, retentionDays: deps.retentionDays, budget };
  const chains = groupBySession(records);
  const placements = (await mapLimited(chains, WRITE_CONCURRENCY, (g) => placeChain({ ...ctx, headId: g.sessionId }, g.events))).flat();
  for (const p of placements) for (const e of p.events) e.session_id = p.sessionId;
  const live = placements.filter((p) => p.open && isActive(p, nowMs));
  await Promise.all([
    batchWriteAll(
      deps.db,
      deps.tables.events,
      records.map((e) => ({ PutRequest: { Item: eventItem(e) } })),
      budget,
    ),
    mapLimited(live, WRITE_CONCURRENCY, (p) => writeActive(deps, p, budget)),
  ]);
  return placements;
}

function successBody(records: EventRecord[], batch: boolean) {
  // The client sees its session ids, not the site-scoped keys they are stored under.
  if (!batch)
    return { message: "Event processed successfully", event_id: records[0].event_id, session_id: sessionIdOfKey(records[0].session_id) };
  return {
    message: "Events processed successfully",
    accepted: records.length,
    event_ids: records.map((e) => e.event_id),
    session_ids: records.map((e) => sessionIdOfKey(e.session_id)),
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
    refuseDuplicates(parsed.events);
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    return { ...empty, rejected: error.rejectedEvents, result: clientErrorResult(error), error };
  }
  const admission = admit(parsed.siteIds, request.headers, deps.sites);
  if (!admission.admitted) {
    const { result, reason, error } = admission;
    if (!reason) return { ...empty, rejected: parsed.events.length, result, error };
    return { ...empty, dropped: parsed.events.length, dropReason: reason, result, error };
  }
  const nowMs = clock.now();
  const ipPrefix = clientIpPrefix(request.sourceIp); // already resolved from the trusted hops by the adapter
  const facts = {
    nowMs,
    siteId: admission.site.id,
    ipPrefix,
    userAgentHeader: request.headers["user-agent"],
    retentionDays: deps.retentionDays,
    hex: deps.hex,
  };
  const records = normalizeEvents(parsed.events, facts);
  try {
    const placements = await settledAttempt(deps.db, (db) => storeAll({ ...deps, db }, records, nowMs));
    const sessions = new Set(placements.map((p) => p.sessionId)).size;
    const created = placements.filter((p) => p.created).length;
    const result = jsonResult(200, successBody(records, parsed.batch));
    return { result, events: records.length, rejected: 0, sessions, sessionsCreated: created };
  } catch (error) {
    const result = isStorageFailure(error) ? storageUnavailableResult() : internalErrorResult();
    return { ...empty, sessions: new Set(records.map((e) => e.chain_id)).size, result, error };
  }
}
