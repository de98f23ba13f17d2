/** Cold-start baseline: the smallest handler that creates the collector's DynamoDB client and does one PutItem. */
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { createDynamoClient } from "../../functions/shared/clients";
import { readEnv } from "../../functions/shared/env";

const env = readEnv(process.env, ["events"]);
const db = createDynamoClient(env);

export const handler = async () => {
  // Each run is a fresh process, so the pid keeps keys apart; no RNG, so the baseline bundle stays minimal.
  const Item = { session_id: { S: "hello" }, event_key: { S: `${Date.now()}#${process.pid}` } };
  await db.send(new PutItemCommand({ TableName: env.tables.events, Item }));
  return { statusCode: 200, body: "hello" };
};
