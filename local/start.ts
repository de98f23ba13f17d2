/**
 * `npm start`: the whole collector on this machine (SPEC §1). dynalite keeps its LevelDB store in
 * .liveinsight/ (LIVEINSIGHT_DATA_DIR) and listens on DYNAMODB_PORT so any SDK or the AWS CLI can
 * inspect the data; DYNAMODB_ENDPOINT uses an existing server instead. The API listens on PORT.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { AddressInfo } from "node:net";
import http from "node:http";
import path from "node:path";
import { tableNamesFor } from "../functions/shared/schema";
import { createLocalApi, LambdaHandler } from "./server";
import { ensureTables } from "./tables";

const STACK = "local";

interface LocalSettings {
  port: number;
  host: string;
  dynamoPort: number;
  dataDir: string;
  endpoint?: string;
}

function settingsFrom(env: NodeJS.ProcessEnv): LocalSettings {
  const port = (name: string, fallback: number) => {
    const raw = env[name];
    const value = raw === undefined || raw === "" ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a port number (0-65535); got "${raw}".`);
    return value;
  };
  return {
    port: port("PORT", 3000),
    host: env.HOST || "127.0.0.1",
    dynamoPort: port("DYNAMODB_PORT", 8000),
    dataDir: path.resolve(env.LIVEINSIGHT_DATA_DIR || ".liveinsight"),
    endpoint: env.DYNAMODB_ENDPOINT || undefined,
  };
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

const closeServer = (server: http.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

async function startDynalite(settings: LocalSettings): Promise<{ endpoint: string; server?: http.Server }> {
  if (settings.endpoint) return { endpoint: settings.endpoint };
  // Loaded lazily: a user pointing at their own endpoint never opens the LevelDB store.
  const { default: dynalite } = await import("dynalite");
  const server = dynalite({ path: path.join(settings.dataDir, "dynalite"), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listen(server, settings.dynamoPort, settings.host);
  return { endpoint: `http://${settings.host}:${port}`, server };
}

/** Function env exactly as the stack sets it, plus the local endpoint. Set before the handlers load. */
function functionEnv(endpoint: string): Record<string, string> {
  const tables = tableNamesFor(STACK);
  return {
    EVENTS_TABLE: tables.events,
    SESSIONS_TABLE: tables.sessions,
    ACTIVE_SESSIONS_TABLE: tables.activeSessions,
    ENVIRONMENT: STACK,
    EVENT_RETENTION_DAYS: process.env.EVENT_RETENTION_DAYS || "30",
    AWS_MAX_ATTEMPTS: process.env.AWS_MAX_ATTEMPTS || "3",
    AWS_RETRY_MODE: process.env.AWS_RETRY_MODE || "standard",
    AWS_REGION: process.env.AWS_REGION || "us-east-1",
    DYNAMODB_ENDPOINT: endpoint,
  };
}

async function main() {
  // The SDK warns about Node 20 on every start; local mode supports Node 20 deliberately.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const settings = settingsFrom(process.env);
  const log = (message: string) => console.error(`[liveinsight] ${message}`);
  const dynamo = await startDynalite(settings);
  Object.assign(process.env, functionEnv(dynamo.endpoint));
  const admin = new DynamoDBClient({ endpoint: dynamo.endpoint, region: process.env.AWS_REGION, credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  const created = await ensureTables(admin, STACK, log);
  if (created.length) log(`created tables: ${created.join(", ")}`);
  const collector = (await import("../functions/collector")).handler as LambdaHandler;
  const realtime = (await import("../functions/realtime")).handler as LambdaHandler;
  const api = createLocalApi({ collector, realtime, timeoutMs: 10_000, corsOrigins: ["*"] });
  const port = await listen(api, settings.port, settings.host);
  const base = `http://${settings.host}:${port}`;
  log(`DynamoDB endpoint ${dynamo.endpoint}${dynamo.server ? ` (dynalite, data in ${settings.dataDir})` : ""}`);
  log(`API ready: POST ${base}/events  GET ${base}/realtime`);
  log(`try: curl -s -X POST ${base}/events -H 'content-type: application/json' -d '{"event_type":"page_view","page_url":"https://example.com/"}'`);
  console.log(JSON.stringify({ ready: true, apiUrl: base, eventsUrl: `${base}/events`, realtimeUrl: `${base}/realtime`, dynamodbEndpoint: dynamo.endpoint }));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing in-flight requests, then closing the database`);
    api.closeIdleConnections();
    await closeServer(api); // waits for in-flight requests, so every 200 was written before the store closes
    admin.destroy();
    if (dynamo.server) await closeServer(dynamo.server);
    log("stopped cleanly");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error) => {
  console.error(`[liveinsight] failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
