/** Cold-start baseline: the smallest handler that creates the collector's DynamoDB clients (raw + document) and does one put. */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient, createDynamoClient } from "../../functions/shared/clients";
import { readEnv } from "../../functions/shared/env";

const env = readEnv(process.env, ["events"]);
const db = createDocumentClient(createDynamoClient(env));

export const handler = async () => {
  // Each run is a fresh process, so the pid keeps keys apart; no RNG, so the baseline bundle stays minimal.
  const Item = { session_id: "hello", event_key: `${Date.now()}#${process.pid}` };
  await db.send(new PutCommand({ TableName: env.tables.events, Item }));
  return { statusCode: 200, body: "hello" };
};
