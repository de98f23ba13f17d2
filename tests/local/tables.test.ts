import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { tableNamesFor } from "../../contracts/tables";
import { ensureTables } from "../../local/tables";
import { startDynamo, type TestDynamo } from "../support/dynalite";

describe("local tables (ensureTables)", () => {
  let dynamo: TestDynamo;
  before(async () => (dynamo = await startDynamo()));
  after(async () => dynamo.close());

  it("creates the missing tables once, then finds them with the right keys", async () => {
    const created = await ensureTables(dynamo.client(), "fresh", () => undefined);
    expect(created).to.deep.equal(Object.values(tableNamesFor("fresh")));
    expect(await ensureTables(dynamo.client(), "fresh", () => undefined)).to.deep.equal([]);
  });

  it("refuses a table left by an older version under another key, naming it and local:reset", async () => {
    const { activeSessions } = tableNamesFor("old");
    await dynamo.client().send(
      new CreateTableCommand({
        TableName: activeSessions,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "session_id", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "session_id", KeyType: "HASH" }],
      }),
    );
    const error = await ensureTables(dynamo.client(), "old", () => undefined).then(
      () => undefined,
      (e: Error) => e,
    );
    expect([error?.name, error?.message]).to.deep.equal([
      "StartError",
      "Table LiveInsight-old-ActiveSessions has the key session_id (HASH), but this version keys it by counter_key (HASH) (docs/architecture.md); its data was written by an older version: run `npm run local:reset` (deletes the local data) and start again.",
    ]);
  });
});
