/**
 * `npm start`: the whole collector on this machine (docs/local-mode.md). dynalite runs in its own process
 * (local/storage.ts) with its LevelDB store in .liveinsight/ (LIVEINSIGHT_DATA_DIR), listening on
 * DYNAMODB_PORT so any SDK or the AWS CLI can inspect the data; DYNAMODB_ENDPOINT uses an existing
 * server instead. The API listens on PORT. `npm start -- --help` lists the options.
 */

import type http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EDGE_PATHS } from "../contracts/edge";
import { LOCAL_KEY_FILE, STATS_PATHS } from "../contracts/stats";
import { tableNamesFor } from "../contracts/tables";
import { runCli } from "../lib/cli";
import { startLocalArchive, windowFrom } from "./archive-local";
import { acquireLock, type DataLock } from "./data-lock";
import { attachRequestLog, filterFunctionLines } from "./request-log";
import { createLocalApi, type LambdaHandler } from "./server";
import { LOCAL_CORS_ORIGINS, LOCAL_STACK, type LocalSettings, readSettings, START_USAGE } from "./settings";
import { gracefulStopper } from "./shutdown";
import { StartError, type Storage, startStorage } from "./storage";
import { LOCAL_CREDENTIALS } from "./store-access";
import { ensureTables } from "./tables";

const log = (message: string) => process.stderr.write(`[liveinsight] ${message}\n`);

/** The local API's per-request budget; the archive feeder re-reads this far back (archive-local.ts). */
const REQUEST_TIMEOUT_MS = 10_000;

function listen(server: http.Server, settings: LocalSettings): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE" || error.code === "EACCES"
          ? new StartError(
              `PORT ${settings.port} is not available on ${settings.host} (${error.code}): another program uses it; stop it or set PORT to a free port (0 picks one).`,
            )
          : error,
      ),
    );
    server.listen(settings.port, settings.host, () => resolve((server.address() as AddressInfo).port));
  });
}

async function openStorage(settings: LocalSettings, lock: DataLock | undefined): Promise<Storage | { endpoint: string; stop?: undefined }> {
  if (settings.endpoint) return { endpoint: settings.endpoint };
  return startStorage({
    host: settings.host,
    port: settings.dynamoPort,
    dataPath: path.join(settings.dataDir, "dynalite"),
    log,
    onSpawn: (pid) => lock?.record({ storagePid: pid }),
  });
}

async function createTables(endpoint: string, external: boolean): Promise<DynamoDBClient> {
  const admin = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    const created = await ensureTables(admin, LOCAL_STACK, log);
    if (created.length) log(`created tables: ${created.join(", ")}`);
    return admin;
  } catch (error) {
    admin.destroy();
    const err = error as NodeJS.ErrnoException;
    if (!external || error instanceof StartError) throw error;
    throw new StartError(
      err.code
        ? `Could not reach DYNAMODB_ENDPOINT ${endpoint} (${err.code}); start that server, or unset DYNAMODB_ENDPOINT to use dynalite.`
        : `DYNAMODB_ENDPOINT ${endpoint} refused to create the tables: ${err.name}: ${err.message}`,
    );
  }
}

function printReady(base: string, settings: LocalSettings, endpoint: string, statsKey: string): void {
  // The same paths the local API routes (contracts/edge.ts), so the printed URLs cannot drift from it.
  const url = Object.fromEntries(EDGE_PATHS.map((p) => [p.id, `${base}${p.path}`])) as Record<"events" | "realtime" | "tracker", string>;
  log(`DynamoDB endpoint ${endpoint}${settings.endpoint ? "" : ` (dynalite, data in ${settings.dataDir})`}`);
  log(`API ready: POST ${url.events}  GET ${url.realtime}  GET ${url.tracker}`);
  log(
    `try: curl -s -X POST ${url.events} -H 'content-type: application/json' -d '{"event_type":"page_view","page_url":"https://example.com/"}'`,
  );
  log("look at the data: npm run local:scan -- Events   (Ctrl-C stops)");
  log(`history (archived every ${windowFrom(process.env) / 1000} s): npm run local:query -- "select count(*) from events"`);
  log(`dashboard: ${base}${STATS_PATHS.dashboard}   stats key: ${statsKey}   (kept in ${path.join(settings.dataDir, LOCAL_KEY_FILE)})`);
  const ready = {
    ready: true,
    apiUrl: base,
    eventsUrl: url.events,
    realtimeUrl: url.realtime,
    trackerUrl: url.tracker,
    dynamodbEndpoint: endpoint,
    statsUrl: `${base}${STATS_PATHS.stats}`,
    dashboardUrl: `${base}${STATS_PATHS.dashboard}`,
    statsKey,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

function onSignals(stop: (signal: string) => Promise<void>): void {
  let signalled = false;
  const handle = (signal: NodeJS.Signals) => {
    if (signalled) {
      log(`second ${signal}: exiting now`);
      process.exit(1);
    }
    signalled = true;
    log(`${signal}: finishing in-flight requests, then closing the database (${signal} again exits at once)`);
    void stop(signal);
  };
  process.on("SIGINT", handle);
  process.on("SIGTERM", handle);
}

async function main(argv: string[]): Promise<number> {
  const settings = readSettings(argv, process.env);
  if (settings === "help") {
    process.stdout.write(START_USAGE);
    return 0;
  }
  const lock = settings.endpoint ? undefined : await acquireLock(settings.dataDir);
  let storage: Awaited<ReturnType<typeof openStorage>> | undefined;
  try {
    storage = await openStorage(settings, lock);
    lock?.record({ endpoint: storage.endpoint });
    // Loaded here, not at the top: it pulls in the Pulumi component, which `--help` never needs.
    const { localFunctionEnv } = await import("./function-env");
    Object.assign(process.env, localFunctionEnv(storage.endpoint));
    const admin = await createTables(storage.endpoint, Boolean(settings.endpoint));
    filterFunctionLines(settings.logMode);
    const collector = (await import("../functions/collector")).handler as LambdaHandler;
    const realtime = (await import("../functions/realtime")).handler as LambdaHandler;
    const { localStatsHandler, ensureLocalKey } = await import("./stats-local");
    const stats = localStatsHandler(settings.dataDir);
    const api = createLocalApi({
      collector,
      realtime,
      stats: stats.handler,
      timeoutMs: REQUEST_TIMEOUT_MS,
      corsOrigins: LOCAL_CORS_ORIGINS,
    });
    const stopper = gracefulStopper(api);
    attachRequestLog(api, settings.logMode, (line) => process.stdout.write(`${line}\n`));
    const port = await listen(api, settings);
    const archive = await startLocalArchive({
      dataDir: settings.dataDir,
      endpoint: storage.endpoint,
      eventsTable: tableNamesFor(LOCAL_STACK).events,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      windowMs: windowFrom(process.env),
      log,
    });
    const running = storage;
    // Before the ready line: whoever reacts to it with a signal gets the clean stop.
    onSignals(async () => {
      await stopper.stop(); // every in-flight request answered: each 200 was written
      await archive.stop().catch((error: Error) => log(`archive: last pass failed (${error.message}); the next start archives it`));
      admin.destroy();
      stats.close();
      await running.stop?.();
      lock?.release();
      log("stopped cleanly");
      process.exit(0);
    });
    printReady(`http://${settings.host}:${port}`, settings, storage.endpoint, ensureLocalKey(settings.dataDir).key);
    return 0;
  } catch (error) {
    await storage?.stop?.();
    lock?.release();
    throw error;
  }
}

void runCli("liveinsight", main);
