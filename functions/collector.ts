/** Lambda "collector": POST /events. Clients and config live at module scope, once per container. */
import { createDocumentClient, createDynamoClient } from "./shared/clients";
import { readEnv } from "./shared/env";
import { collectorHandler } from "./shared/handlers";
import { stdoutSink } from "./shared/logger";

const env = readEnv(process.env, ["events", "sessions", "activeSessions"]);

export const handler = collectorHandler(env, createDocumentClient(createDynamoClient(env)), stdoutSink);
