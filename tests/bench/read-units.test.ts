import { BatchGetItemCommand, type ConsumedCapacity, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { startDynamo, type TestDynamo } from "../support/dynalite";
import { batchGetReadUnits } from "./read-units";
import { writeUnitsPerEvent } from "./write-units";

describe("bench read units (the collector's BatchGetItem reads)", () => {
  let dynamo: TestDynamo;
  before(async () => {
    dynamo = await startDynamo();
  });
  after(() => dynamo.close());

  it("bills one unit per key read consistently and half per eventually consistent key, found or not, as dynalite reports", async () => {
    const { events } = await dynamo.freshTables();
    const client = dynamo.client();
    const meter = batchGetReadUnits(client);
    await client.send(new PutItemCommand({ TableName: events, Item: { session_id: { S: "#pin#a" }, event_key: { S: "#" } } }));
    const keys = ["a", "b", "c"].map((c) => ({ session_id: { S: `#pin#${c}` }, event_key: { S: "#" } }));
    const consumed: number[] = [];
    for (const ConsistentRead of [true, false]) {
      const out = await client.send(
        new BatchGetItemCommand({ RequestItems: { [events]: { Keys: keys, ConsistentRead } }, ReturnConsumedCapacity: "TOTAL" }),
      );
      expect(out.Responses?.[events]).to.have.length(1);
      consumed.push((out.ConsumedCapacity as ConsumedCapacity[]).reduce((n, c) => n + (c.CapacityUnits ?? 0), 0));
    }
    expect([meter.keys, meter.units]).to.deep.equal([6, 3 + 1.5]);
    expect(consumed).to.deep.equal([3, 1.5]);
  });

  it("measures one consistent marker read per request: 0.1 unit per event at 10 events a request, 1 at 1", async () => {
    const ten = await writeUnitsPerEvent(dynamo, 10, 4, 3);
    const one = await writeUnitsPerEvent(dynamo, 1, 4, 3);
    expect([ten.requests, ten.marker_reads, ten.marker_read_units, ten.read_units_per_event]).to.deep.equal([12, 12, 12, 0.1]);
    expect([one.marker_read_units, one.read_units_per_event]).to.deep.equal([12, 1]);
  });
});
