/** Lambda "realtime": GET /realtime. Clients, config and the snapshot cache live at module scope. */
import { createDocumentClient, createDynamoClient } from "./shared/clients";
import { readEnv } from "./shared/env";
import { realtimeHandler } from "./shared/handlers";
import { stdoutSink } from "./shared/logger";

const env = readEnv(process.env, ["activeSessions"]);

export const handler = realtimeHandler(env, createDocumentClient(createDynamoClient(env)), stdoutSink);
