/** Lambda "collector": POST /events. Clients and config live at module scope, once per container. */
import { handleCollect } from "./core/collect";
import { randomHex8 } from "./core/ids";
import { createDynamoClient } from "./shared/clients";
import { readEnv } from "./shared/env";
import { createHandler, remainingTimeOf, sleep } from "./shared/lambda";
import { stdoutSink } from "./shared/logger";

const env = readEnv(process.env, ["events", "sessions", "activeSessions"]);
const db = createDynamoClient(env);
const clock = { now: () => Date.now() };

export const handler = createHandler({ service: "collector", environment: env.environment, log: stdoutSink }, (request, context) =>
  handleCollect(
    request,
    {
      db,
      tables: env.tables,
      retentionDays: env.retentionDays,
      remainingTimeMs: remainingTimeOf(context),
      hex: randomHex8,
      random: Math.random,
      sleep,
    },
    clock,
  ),
);
