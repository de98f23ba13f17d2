/** Lambda "realtime": GET /realtime. The snapshot cache lives at module scope (≤ 5 s per container). */
import type { Outcome } from "./core/collect";
import { clientErrorResult, jsonResult, methodNotAllowed } from "./core/errors";
import { createRealtimeReader } from "./core/realtime";
import { createDynamoClient } from "./shared/clients";
import { readEnv } from "./shared/env";
import { createHandler } from "./shared/lambda";
import { stdoutSink } from "./shared/logger";

const env = readEnv(process.env, ["activeSessions"]);
const db = createDynamoClient(env);
const clock = { now: () => Date.now() };
const readSnapshot = createRealtimeReader(
  { db, table: env.tables.activeSessions, cacheMs: 5_000, maxPages: Number(process.env.REALTIME_MAX_PAGES) || 50 },
  clock,
);

const none = { events: 0, rejected: 0, sessions: 0, sessionsCreated: 0 };

export const handler = createHandler({ service: "realtime", environment: env.environment, log: stdoutSink }, async (request): Promise<Outcome> => {
  if (request.method !== "GET") {
    const error = methodNotAllowed(request, "GET", "GET");
    return { ...none, result: clientErrorResult(error), error };
  }
  try {
    const snapshot = await readSnapshot();
    return { ...none, sessions: snapshot.active_sessions, result: jsonResult(200, snapshot, { "cache-control": "max-age=5" }) };
  } catch (error) {
    return { ...none, result: jsonResult(503, { error: "StorageUnavailable", message: "The realtime view could not be read right now; retry shortly.", retryable: true }), error };
  }
});
