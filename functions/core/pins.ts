/**
 * An event whose timestamp is outside the window takes server time as its effective time
 * (docs/api.md). A retry arrives at another server time, and the effective time decides the event's
 * session, start/last activity and pages, so the first server time is pinned: one conditional
 * PutItem per such event, keyed by chain and event key, in the Events table under a partition
 * no session id can name (`#` is outside the id charset). A retry finds the pin and reuses it, so
 * it is the same event again in every respect. In-window events never pay for this.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { type EventRecord, keyOf, setEffectiveTime } from "./plan";
import { type Budget, conditionalWrite, type DynamoSender } from "./store";

export const PIN_PREFIX = "#pin#";

export async function pinOutOfWindowTimes(
  db: DynamoSender,
  eventsTable: string,
  records: EventRecord[],
  retentionDays: number,
  budget: Budget,
): Promise<void> {
  const outside = records.filter((e) => e.client_timestamp !== undefined);
  await Promise.all(
    outside.map(async (e) => {
      const Item = {
        session_id: `${PIN_PREFIX}${e.chain_id}`,
        event_key: keyOf(e),
        pinned_timestamp: e.timestamp,
        expires_at: e.expires_at,
      };
      const command = new PutCommand({
        TableName: eventsTable,
        Item,
        ConditionExpression: "attribute_not_exists(event_key)",
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      });
      const out = await conditionalWrite(db, command, budget);
      const pinned = out.applied ? undefined : Number(out.stored?.pinned_timestamp);
      if (pinned !== undefined && Number.isSafeInteger(pinned)) setEffectiveTime(e, pinned, retentionDays);
    }),
  );
}
