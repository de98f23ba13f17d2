import { expect } from "chai";
import { tableArgs } from "../../components/analytics-tables";
import { EVENTS_TABLE, SESSIONS_TABLE } from "../../contracts/tables";
import { ofType, type RecordedResource, runProgram } from "../../scripts/lib/program-harness";

const TABLE = "aws:dynamodb/table:Table";
const COMPONENT = "liveinsight:storage:AnalyticsTables";

/** The exact inputs every stack's tables get; only the name and the protection differ. */
function expectedTables(stack: string, protectData: boolean): Record<string, any>[] {
  const common = {
    billingMode: "PAY_PER_REQUEST",
    hashKey: "session_id",
    ttl: { attributeName: "expires_at", enabled: true },
    pointInTimeRecovery: { enabled: protectData },
    deletionProtectionEnabled: protectData,
  };
  return [
    {
      ...common,
      name: `LiveInsight-${stack}-Events`,
      rangeKey: "event_key",
      // The archiver's source: new images only (components/history-archive.ts).
      streamEnabled: true,
      streamViewType: "NEW_IMAGE",
      attributes: [
        { name: "session_id", type: "S" },
        { name: "event_key", type: "S" },
      ],
    },
    {
      ...common,
      name: `LiveInsight-${stack}-Sessions`,
      attributes: [
        { name: "session_id", type: "S" },
        { name: "user_id", type: "S" },
        { name: "start_time", type: "N" },
      ],
      globalSecondaryIndexes: [
        {
          name: "UserIndex",
          keySchemas: [
            { attributeName: "user_id", keyType: "HASH" },
            { attributeName: "start_time", keyType: "RANGE" },
          ],
          projectionType: "KEYS_ONLY",
        },
      ],
    },
    {
      ...common,
      name: `LiveInsight-${stack}-ActiveSessions`,
      // The realtime counters: per-site bucket items and user records, one key each (docs/architecture.md).
      hashKey: "counter_key",
      attributes: [{ name: "counter_key", type: "S" }],
    },
  ];
}

describe("components/analytics-tables", () => {
  const runs: Record<string, RecordedResource[]> = {};
  before(async () => {
    runs.dev = await runProgram({ stack: "dev" });
    runs.prod = await runProgram({ stack: "prod" });
  });

  for (const [stack, protectData] of [
    ["dev", false],
    ["prod", true],
  ] as const) {
    describe(stack, () => {
      it("registers one AnalyticsTables component holding exactly the three tables", () => {
        const [component] = ofType(runs[stack], COMPONENT);
        expect(ofType(runs[stack], COMPONENT)).to.have.length(1);
        expect(component.urn).to.equal(`urn:pulumi:${stack}::liveinsight::${COMPONENT}::tables`);
        const tables = ofType(runs[stack], TABLE);
        expect(tables.map((t) => t.name).sort()).to.deep.equal(["tables-active-sessions", "tables-events", "tables-sessions"]);
        for (const table of tables) expect(table.parent).to.equal(component.urn);
      });

      it(`creates on-demand tables with TTL and the AWS-owned key${protectData ? ", PITR and deletion protection" : ", without PITR or deletion protection"}`, () => {
        const byName = (a: Record<string, any>, b: Record<string, any>) => a.name.localeCompare(b.name);
        const actual = ofType(runs[stack], TABLE).map((t) => t.inputs);
        expect(actual.sort(byName)).to.deep.equal(expectedTables(stack, protectData).sort(byName));
      });

      it(`${protectData ? "sets" : "does not set"} Pulumi protect on every table`, () => {
        for (const table of ofType(runs[stack], TABLE)) expect(table.protect, table.name).to.equal(protectData);
        expect(ofType(runs[stack], COMPONENT)[0].protect).to.equal(false);
      });

      it("publishes the table names, ARNs and the Events stream as component outputs", () => {
        expect(ofType(runs[stack], COMPONENT)[0].outputs).to.deep.equal({
          tableNames: {
            Events: `LiveInsight-${stack}-Events`,
            Sessions: `LiveInsight-${stack}-Sessions`,
            ActiveSessions: `LiveInsight-${stack}-ActiveSessions`,
          },
          tableArns: {
            Events: `arn:aws:dynamodb:us-east-1:123456789012:table/LiveInsight-${stack}-Events`,
            Sessions: `arn:aws:dynamodb:us-east-1:123456789012:table/LiveInsight-${stack}-Sessions`,
            ActiveSessions: `arn:aws:dynamodb:us-east-1:123456789012:table/LiveInsight-${stack}-ActiveSessions`,
          },
          eventsStreamArn: `arn:aws:dynamodb:us-east-1:123456789012:table/LiveInsight-${stack}-Events/stream/2026-01-01T00:00:00.000`,
        });
      });
    });
  }

  it("tableArgs is a pure function of the schema module", () => {
    expect(tableArgs("qa", EVENTS_TABLE, false)).to.deep.include({
      name: "LiveInsight-qa-Events",
      hashKey: "session_id",
      rangeKey: "event_key",
    });
    expect(tableArgs("qa", EVENTS_TABLE, false).globalSecondaryIndexes).to.equal(undefined);
    expect(tableArgs("qa", SESSIONS_TABLE, true)).to.deep.include({
      deletionProtectionEnabled: true,
      pointInTimeRecovery: { enabled: true },
    });
  });

  it("keeps DynamoDB's free AWS-owned key unless a customer-managed key is configured", () => {
    // `enabled: true` without a key ARN would select the KMS-managed aws/dynamodb key instead.
    expect(tableArgs("qa", EVENTS_TABLE, false).serverSideEncryption).to.equal(undefined);
    const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    expect(tableArgs("qa", EVENTS_TABLE, false, key).serverSideEncryption).to.deep.equal({ enabled: true, kmsKeyArn: key });
  });
});
