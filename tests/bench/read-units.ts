/**
 * Read request units of the calls a DynamoDB client sends, by DynamoDB's rules: BatchGetItem bills
 * each key as a GetItem, a strongly consistent read 1 unit per 4 KB (rounded up), an eventually
 * consistent one half that, and a key that finds no item still the minimum (DynamoDB Developer
 * Guide, "DynamoDB read and write operations":
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html).
 * The collector's reads are key lookups of small items (future markers and pins, < 1 KB), so each
 * key is one 4 KB block. GetItem is left out: the collector calls it only in local mode, after a
 * failed condition that AWS answers with the item itself (ReturnValuesOnConditionCheckFailure).
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

export interface ReadUnitMeter {
  /** Read request units billed for the BatchGetItem keys sent so far. */
  units: number;
  keys: number;
}

export function batchGetReadUnits(client: DynamoDBClient): ReadUnitMeter {
  const meter: ReadUnitMeter = { units: 0, keys: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "BatchGetItemCommand") {
        const input = args.input as { RequestItems?: Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }> };
        for (const request of Object.values(input.RequestItems ?? {})) {
          const keys = request.Keys?.length ?? 0;
          meter.keys += keys;
          meter.units += keys * (request.ConsistentRead === true ? 1 : 0.5);
        }
      }
      return next(args);
    },
    { step: "initialize", name: "benchReadUnits" },
  );
  return meter;
}
