/**
 * The stats function's AWS wiring, kept apart from its Lambda entry so tests build it with their
 * own clients: the Secrets Manager key source, the Athena engine under the request's time budget,
 * and the environment check naming the missing variable.
 */
import type { AthenaClient } from "@aws-sdk/client-athena";
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { STATS_ENV } from "../../contracts/stats";
import { ConfigError } from "../shared/env";
import { athenaRelation, athenaStatsEngine } from "./athena";
import type { KeySource } from "./auth";

/** API Gateway HTTP APIs wait 30 s for an integration (cannot be raised); keep a second back. */
export const API_BUDGET_MS = 29_000;

export interface StatsSettings {
  keySecret: string;
  workgroup: string;
  database: string;
  table: string;
  retentionDays: number;
}

export function readStatsEnv(env: Record<string, string | undefined>): StatsSettings {
  const read = (name: string) => {
    const value = env[name];
    if (!value)
      throw new ConfigError(`Environment variable ${name} is required but not set; the StatsApi component sets it on the function.`);
    return value;
  };
  const retention = read(STATS_ENV.retentionDays);
  const retentionDays = Number(retention);
  if (!Number.isInteger(retentionDays) || retentionDays < 1)
    throw new ConfigError(`Environment variable ${STATS_ENV.retentionDays} must be a positive integer; got "${retention}".`);
  return {
    keySecret: read(STATS_ENV.keySecret),
    workgroup: read(STATS_ENV.workgroup),
    database: read(STATS_ENV.database),
    table: read(STATS_ENV.table),
    retentionDays,
  };
}

/** The key as the secret's SecretString; the secret's value never reaches a log line or an error text. */
export function secretKeySource(client: Pick<SecretsManagerClient, "send">, secretId: string): KeySource {
  return async () => {
    try {
      const secret = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      return secret.SecretString ?? "";
    } catch (error) {
      throw new Error(`the stats key could not be read from Secrets Manager (${(error as Error).name})`);
    }
  };
}

/** The Athena engine, with the time left = the smaller of Lambda's remaining time and the API's 30 s. */
export function athenaForInvocation(
  client: Pick<AthenaClient, "send">,
  s: StatsSettings,
  remainingMs: () => number,
  sleep: (ms: number) => Promise<void>,
) {
  return {
    engine: athenaStatsEngine({ client, workgroup: s.workgroup, database: s.database, table: s.table, remainingMs, sleep }),
    relation: athenaRelation(s.database, s.table),
  };
}
