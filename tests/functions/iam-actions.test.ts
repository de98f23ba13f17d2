// Least privilege, checked against behaviour: every write path of the collector runs against
// dynalite through a recording client, and the (action, table) pairs it sent must be exactly those
// the collector's IAM policy allows — a missing grant would be a 503 on AWS, an extra one a wider role.

import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { collectorPolicy } from "../../components/iam";
import type { TableNames } from "../../contracts/tables";
import { collect, testDeps } from "../support/collector";
import { startDynamo, type TestDynamo } from "../support/dynalite";

type Sent = { action: string; table: string };

/** Records (action, table) of every call `client` sends, as the raw DynamoDB API sees it (the document client sits above). */
function recording(client: DynamoDBClient, sent: Sent[]): DynamoDBClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const action = String(context.commandName).replace(/Command$/, "");
      const input = args.input as { TableName?: string; RequestItems?: Record<string, unknown> };
      const tables = input.TableName ? [input.TableName] : Object.keys(input.RequestItems ?? {});
      for (const table of tables) sent.push({ action: `dynamodb:${action}`, table });
      return next(args);
    },
    { step: "initialize", name: "recordIamActions" },
  );
  return client;
}

describe("collector IAM policy matches the calls the collector makes", () => {
  let dynamo: TestDynamo;
  before(async () => (dynamo = await startDynamo()));
  after(() => dynamo.close());

  it("grants exactly the actions used on each table across every write path", async () => {
    const tables: TableNames = await dynamo.freshTables();
    const sent: Sent[] = [];
    const deps = testDeps(recording(dynamo.client(), sent), tables);
    const t0 = Date.UTC(2026, 11, 1, 12);
    const page = (n: number) => `https://shop.example.com/p${n}`;
    // in order, live session
    expect(
      (
        await collect(
          deps,
          { events: [{ event_type: "page_view", session_id: "s1", event_id: "e1", timestamp: t0, page_url: page(1) }] },
          t0,
        )
      ).result.statusCode,
    ).to.equal(200);
    // heartbeat without a page (a realtime move to a new minute), late event (slow path), out-of-window time (pin)
    expect(
      (await collect(deps, { event_type: "heartbeat", session_id: "s1", event_id: "e2", timestamp: t0 + 60_000 }, t0 + 60_000)).result
        .statusCode,
    ).to.equal(200);
    expect(
      (
        await collect(
          deps,
          { event_type: "click", session_id: "s1", event_id: "e0", timestamp: t0 - 60_000, page_url: page(0) },
          t0 + 61_000,
        )
      ).result.statusCode,
    ).to.equal(200);
    const stale = { event_type: "click", session_id: "s1", event_id: "e9", timestamp: t0 - 30 * 86_400_000 };
    expect((await collect(deps, stale, t0 + 62_000)).result.statusCode).to.equal(200);
    expect((await collect(deps, stale, t0 + 63_000)).result.statusCode).to.equal(200); // the retry finds its pin
    // a clock ten minutes fast (future pin and the chain's marker), then its in-window retry reading both
    const fast = { event_type: "click", session_id: "s1", event_id: "e8", timestamp: t0 + 63_000 + 10 * 60_000 };
    expect((await collect(deps, fast, t0 + 63_000)).result.statusCode).to.equal(200);
    expect((await collect(deps, fast, t0 + 63_000 + 20 * 60_000)).result.statusCode).to.equal(200);
    // idle gap: rollover to the successor, then a retry of the same request
    const resumed = { event_type: "page_view", session_id: "s1", event_id: "e3", timestamp: t0 + 3_600_000, page_url: page(3) };
    expect((await collect(deps, resumed, t0 + 3_600_000)).result.statusCode).to.equal(200);
    expect((await collect(deps, resumed, t0 + 3_601_000)).result.statusCode).to.equal(200);

    const byTable = (name: string) => [...new Set(sent.filter((s) => s.table === name).map((s) => s.action))].sort();
    const allowed = collectorPolicy({
      partition: "aws",
      region: "us-east-1",
      accountId: "123456789012",
      eventsTableName: tables.events,
      sessionsTableName: tables.sessions,
      activeSessionsTableName: tables.activeSessions,
      logGroupName: "/aws/lambda/x",
    });
    const grant = (sid: string) => [...(allowed.Statement.find((s) => s.Sid === sid)?.Action ?? [])].sort();
    expect(byTable(tables.events)).to.deep.equal(grant("WriteEvents"));
    expect(byTable(tables.sessions)).to.deep.equal(grant("UpdateSessions"));
    expect(byTable(tables.activeSessions)).to.deep.equal(grant("MoveRealtimeCounters"));
  });
});
