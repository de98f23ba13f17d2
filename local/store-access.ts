/**
 * How the local tools (`local:scan`, the tests) reach local mode's data: the running instance's
 * dynalite (its endpoint is in the data directory's lock), DYNAMODB_ENDPOINT when set, or, with
 * nothing running, the LevelDB store opened directly for the duration of the command.
 */

import path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, paginateScan } from "@aws-sdk/lib-dynamodb";
import { acquireLock, lockHolder } from "./data-lock";
import { endpointFrom } from "./settings";
import { startStorage } from "./storage";

/** Local servers accept any credentials; these keep the SDK from looking for real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: "us-east-1", credentials: LOCAL_CREDENTIALS, maxAttempts: 5 });
}

export async function withLocalStore<T>(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  use: (client: DynamoDBClient, endpoint: string) => Promise<T>,
): Promise<T> {
  const endpoint = endpointFrom(env) ?? lockHolder(dataDir)?.endpoint;
  if (endpoint) return useClient(endpoint, use);
  const lock = await acquireLock(dataDir);
  try {
    const storage = await startStorage({
      host: "127.0.0.1",
      port: 0,
      dataPath: path.join(dataDir, "dynalite"),
      log: (m) => process.stderr.write(`${m}\n`),
    });
    try {
      return await useClient(storage.endpoint, use);
    } finally {
      await storage.stop();
    }
  } finally {
    lock.release();
  }
}

async function useClient<T>(endpoint: string, use: (client: DynamoDBClient, endpoint: string) => Promise<T>): Promise<T> {
  const client = localClient(endpoint);
  try {
    return await use(client, endpoint);
  } finally {
    client.destroy();
  }
}

/** Every item of a table as plain values, page after page (a Scan page stops at 1 MB). */
export async function* scanItems(client: DynamoDBClient, table: string, projection?: string): AsyncGenerator<Record<string, unknown>> {
  const pages = paginateScan({ client: DynamoDBDocumentClient.from(client) }, { TableName: table, ProjectionExpression: projection });
  for await (const page of pages) yield* page.Items ?? [];
}
