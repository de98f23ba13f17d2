import { expect } from "chai";
import { accessLogFormat } from "../../components/collector-api";
import { startDynamo } from "../support/dynalite";
import { type AllInInputs, allInMonthly } from "./all-in";
import { type CostInputs, costPerMillionEvents, NAIVE_BASELINE } from "./cost";
import type { ItemSizes } from "./item-sizes";
import { measureItemSizes } from "./item-sizes";
import { alarmMetricCount, readStackConfig, sampleAccessLogBytes } from "./stacks";

const usd = (b: ReturnType<typeof costPerMillionEvents>) => Object.fromEntries(b.lines.map((l) => [l.item, l.usd]));

describe("bench cost per million events", () => {
  it("prices the naive baseline line by line as docs/prices.md's worked reference (≈ $24.42)", () => {
    const b = costPerMillionEvents(NAIVE_BASELINE);
    const lines = usd(b);
    expect(lines["API Gateway HTTP"]).to.be.closeTo(1.0, 1e-9); // 1 M requests × $1/M
    expect(lines["Lambda requests"]).to.be.closeTo(0.2, 1e-9); // 1 M × $0.20/M
    expect(lines["Lambda duration (x86_64)"]).to.be.closeTo(1.1166689, 1e-6); // 1 M × 0.134 s × 0.5 GB = 67,000 GB-s × $0.0000166667
    expect(lines["DynamoDB writes"]).to.be.closeTo(1.875, 1e-9); // 3 M WRU × $0.625/M
    expect(lines["CloudWatch PutMetricData"]).to.be.closeTo(20.0, 1e-9); // 2 M calls × $10/M
    expect(lines["CloudWatch Logs ingestion"]).to.be.closeTo(0.2305, 1e-9); // 1 M × 461 B = 0.461 GB × $0.50
    expect(b.totalUsd).to.be.closeTo(24.4222, 1e-4);
    expect(b.totalUsd.toFixed(2)).to.equal("24.42");
  });

  const ours = (stack: "dev" | "prod"): CostInputs => {
    const cfg = readStackConfig(stack);
    return {
      name: stack,
      eventsPerRequest: 10,
      architecture: cfg.architecture,
      memoryMb: cfg.memorySize,
      durationMs: 30,
      writeUnitsPerEvent: 1.2,
      putMetricDataPerEvent: 0,
      appLogBytesPerRequest: 268,
    };
  };

  it("prices prod (arm64 512 MB, 30 ms, 10 events/request, 1.2 WRU/event) at $0.9165", () => {
    const b = costPerMillionEvents(ours("prod"));
    const lines = usd(b);
    expect(lines["API Gateway HTTP"]).to.be.closeTo(0.1, 1e-9); // 100,000 requests
    expect(lines["Lambda requests"]).to.be.closeTo(0.02, 1e-9);
    expect(lines["Lambda duration (arm64)"]).to.be.closeTo(0.0200001, 1e-7); // 100,000 × 0.03 s × 0.5 GB = 1,500 GB-s × $0.0000133334
    expect(lines["DynamoDB writes"]).to.be.closeTo(0.75, 1e-9); // 1.2 M WRU × $0.625/M
    expect(lines["CloudWatch PutMetricData"]).to.equal(0);
    expect(lines["CloudWatch Logs ingestion"]).to.be.closeTo(0.02645, 1e-9); // 100,000 × 529 B = 0.0529 GB × $0.50
    expect(b.totalUsd).to.be.closeTo(0.91645, 1e-5);
  });

  it("prices dev (arm64 256 MB) lower than prod only by half the duration line: $0.9065", () => {
    const b = costPerMillionEvents(ours("dev"));
    expect(usd(b)["Lambda duration (arm64)"]).to.be.closeTo(0.01, 1e-6); // 750 GB-s × $0.0000133334
    expect(b.totalUsd).to.be.closeTo(0.90645, 1e-5);
  });

  it("shows its arithmetic in each line", () => {
    const b = costPerMillionEvents(NAIVE_BASELINE);
    expect(b.lines.map((l) => l.arithmetic)).to.deep.equal([
      "1000000 req × $1/M",
      "1000000 inv × $0.2/M",
      "1000000 × 134 ms × 512/1024 GB = 67000 GB-s × $0.0000166667",
      "1000000 ev × 3 WRU × $0.625/M",
      "2000000 calls × $10/M",
      "1000000 × (261 + 200) B = 0.461 GB × $0.5/GB",
    ]);
  });
});

describe("bench all-in monthly cost (storage, PITR, logs, fixed costs)", () => {
  const sizes: ItemSizes = {
    events: { items: 10, mean_stored_bytes: 500 },
    sessions: { items: 1, mean_stored_bytes: 400 },
    user_index: { items: 1, mean_stored_bytes: 150 },
    active_sessions: { items: 1, mean_stored_bytes: 200 },
    events_per_session: 10,
    method: "fixture",
  };
  const ingest = costPerMillionEvents({ ...NAIVE_BASELINE, name: "x" });
  const inputs = (pitr: boolean): AllInInputs => ({
    stack: "x",
    ingestPerMillion: ingest,
    sizes,
    hotRetentionDays: 365.25,
    logRetentionDays: 30.4375,
    pitr,
    logBytesPerMillion: 1e8,
    alarmMetrics: 25,
    customMetrics: 10,
    dashboards: 1,
  });

  it("prices a year of retention at 1 M events/month line by line (steady state)", () => {
    const m = allInMonthly(inputs(true), 1e6);
    const lines = Object.fromEntries(m.lines.map((l) => [l.item, l.usd]));
    expect(lines.Ingest).to.be.closeTo(24.4222, 1e-4);
    expect(lines["Events storage"]).to.be.closeTo(1.5, 1e-9); // 1e6 × 500 B × 12 months = 6 GB × $0.25
    expect(lines["Sessions storage"]).to.be.closeTo(0.12, 1e-9); // 1e5 × 400 B × 12 = 0.48 GB × $0.25
    expect(lines["UserIndex storage"]).to.be.closeTo(0.045, 1e-9); // 1e5 × 150 B × 12 = 0.18 GB
    expect(lines["ActiveSessions storage"]).to.be.closeTo(((1e5 * 200 * (2 / 30.4375)) / 1e9) * 0.25, 1e-12);
    const tableGb = 6 + 0.48 + (1e5 * 200 * (2 / 30.4375)) / 1e9; // the index is not backed up
    expect(lines.PITR).to.be.closeTo(tableGb * 0.2, 1e-9);
    expect(lines["Log storage"]).to.be.closeTo(0.003, 1e-9); // 0.1 GB × 1 month × $0.03
    expect([lines.Alarms, lines.Dashboard, lines["Custom metrics"]]).to.deep.equal([2.5, 3, 3]);
    expect(m.perMillionUsd).to.be.closeTo(m.monthlyUsd, 1e-9);
    expect(m.lines.find((l) => l.item === "Events storage")!.arithmetic).to.equal("1000000 ev × 500 B × 365.25 d/30.4375 d = 6 GB × $0.25");
  });

  it("spreads the fixed monthly costs over the volume and drops PITR when the stack has none", () => {
    const at1 = allInMonthly(inputs(false), 1e6);
    const at100 = allInMonthly(inputs(false), 1e8);
    expect(at1.lines.map((l) => l.item)).not.to.include("PITR");
    const fixed = 2.5 + 3 + 3;
    expect(at1.perMillionUsd - at100.perMillionUsd).to.be.closeTo(fixed - fixed / 100, 1e-9);
  });

  it("counts the alarm metrics each committed stack bills: metric-math alarms bill each metric they read", () => {
    // dev: 25 alarms (no concurrency alarm while unreserved; 4 of the archive), 4 of them metric math over 2 metrics
    // and the dropped share over 4 (three EventsDropped reasons and EventsProcessed).
    expect(alarmMetricCount(readStackConfig("dev"))).to.equal(20 + 4 * 2 + 4);
    // prod reserves concurrency, so each function's concurrency alarm is added.
    expect(alarmMetricCount(readStackConfig("prod"))).to.equal(22 + 4 * 2 + 4);
  });

  it("prices the access log from the stage's own format", () => {
    const bytes = sampleAccessLogBytes();
    expect(bytes).to.be.within(300, 400);
    const line = JSON.parse(accessLogFormat().replace(/\$context\.[A-Za-z.]+/g, "v")) as Record<string, string>;
    expect(Object.keys(line)).to.include.members(["apiId", "status", "integrationStatus", "integrationError"]);
  });

  it("measures stored item sizes from what the collector really wrote to dynalite", async () => {
    const dynamo = await startDynamo();
    try {
      const sizes = await measureItemSizes(dynamo, 3, 10);
      expect([
        sizes.events.items,
        sizes.sessions.items,
        sizes.user_index.items,
        sizes.active_sessions.items,
        sizes.events_per_session,
      ]).to.deep.equal([30, 3, 3, 4, 10]); // the realtime counters: one bucket item and three user records
      // A stored event: ~400 B of attributes (Chrome user agent, URL, ids, properties) + 100 B overhead.
      expect(sizes.events.mean_stored_bytes).to.be.within(450, 560);
      // A KEYS_ONLY index entry: session_id (32 chars, the tracker's shape) + user_id (18) + start_time + 100 B.
      expect(sizes.user_index.mean_stored_bytes).to.be.within(175, 195);
    } finally {
      await dynamo.close();
    }
  });
});
