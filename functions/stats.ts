/**
 * Lambda "stats": GET /stats, /stats/realtime and /dashboard on the stats API (docs/stats.md).
 * Clients, env and the page (dashboard.html and login.html, shipped beside index.js) are read once
 * per container; the key is read from Secrets Manager with a 60 s cache, so a rotation shows
 * within a minute.
 */

import { readFileSync } from "node:fs";
import path from "node:path";
import { AthenaClient } from "@aws-sdk/client-athena";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { siteTable } from "./core/admission";
import { realtimeReaderFor, stackSiteReader } from "./core/realtime";
import { createDocumentClient, createDynamoClient } from "./shared/clients";
import { readEnv } from "./shared/env";
import { sleep } from "./shared/lambda";
import { stdoutSink } from "./shared/logger";
import { cachedKey } from "./stats/auth";
import { statsHandler } from "./stats/handler";
import { API_BUDGET_MS, athenaForInvocation, readStatsEnv, secretKeySource } from "./stats/runtime";

const env = readEnv(process.env, ["activeSessions"]);
const sites = siteTable(env.sites, env.defaultSite);
const settings = readStatsEnv(process.env);
const clock = { now: () => Date.now() };
const sdk = { region: env.region, maxAttempts: env.sdkMaxAttempts, retryMode: env.sdkRetryMode };
const page = {
  app: readFileSync(path.join(__dirname, "dashboard.html"), "utf8"),
  login: readFileSync(path.join(__dirname, "login.html"), "utf8"),
};

let invocation: { context: Context; startedAt: number } | undefined;
const remainingMs = () =>
  invocation ? Math.min(invocation.context.getRemainingTimeInMillis(), API_BUDGET_MS - (Date.now() - invocation.startedAt)) : API_BUDGET_MS;
const athena = athenaForInvocation(new AthenaClient(sdk), settings, remainingMs, sleep);

const handle = statsHandler(
  env.environment,
  {
    engine: athena.engine,
    relation: athena.relation,
    key: cachedKey(secretKeySource(new SecretsManagerClient(sdk), settings.keySecret), clock),
    rules: () => ({ retentionDays: settings.retentionDays, sites, now: Date.now() }),
    readRealtime: stackSiteReader(realtimeReaderFor(env, createDocumentClient(createDynamoClient(env)), clock), env),
    page,
  },
  stdoutSink,
);

export const handler = (event: APIGatewayProxyEventV2, context: Context) => {
  invocation = { context, startedAt: Date.now() };
  return handle(event, context);
};
