import { expect } from "chai";
import { accessLogFormat } from "../../components/collector-api";
import { startDynamo } from "../support/dynalite";
import { type AllInInputs, allInMonthly, lineItemTable, renderMonthly } from "./all-in";
import { allInFixture } from "./all-in-fixture";
import { type CostInputs, costPerMillionEvents, NAIVE_BASELINE } from "./cost";
import { measureItemSizes } from "./item-sizes";
import { alarmMetricCount, readStackConfig, sampleAccessLogBytes } from "./stacks";
import { expectClose } from "./tolerance";

const usd = (b: ReturnType<typeof costPerMillionEvents>) => Object.fromEntries(b.lines.map((l) => [l.item, l.usd]));

describe("bench cost per million events", () => {
  it("prices the naive baseline line by line as docs/prices.md's worked reference (≈ $24.42)", () => {
    const b = costPerMillionEvents(NAIVE_BASELINE);
    const lines = usd(b);
    expectClose(lines["API Gateway HTTP"], 1.0); // 1 M requests × $1/M
    expectClose(lines["Lambda requests"], 0.2); // 1 M × $0.20/M
    expectClose(lines["Lambda duration (x86_64)"], 1e6 * 0.134 * 0.5 * 0.0000166667); // 67,000 GB-s
    expectClose(lines["DynamoDB writes"], 1.875); // 3 M WRU × $0.625/M
    expectClose(lines["CloudWatch PutMetricData"], 20.0); // 2 M calls × $10/M
    expectClose(lines["CloudWatch Logs ingestion"], 0.2305); // 1 M × 461 B = 0.461 GB × $0.50
    expect(lines["DynamoDB reads"]).to.equal(0); // the baseline reads nothing
    expectClose(b.totalUsd, 1.0 + 0.2 + 1e6 * 0.134 * 0.5 * 0.0000166667 + 1.875 + 20.0 + 0.2305);
    // What docs/prices.md's worked reference says, to the cent.
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
      readUnitsPerEvent: 0.1,
      putMetricDataPerEvent: 0,
      appLogBytesPerRequest: 268,
    };
  };

  it("prices prod (arm64 512 MB, 30 ms, 10 events/request, 1.2 WRU and 0.1 RRU per event) line by line", () => {
    const b = costPerMillionEvents(ours("prod"));
    const lines = usd(b);
    expectClose(lines["API Gateway HTTP"], 0.1); // 100,000 requests
    expectClose(lines["Lambda requests"], 0.02);
    expectClose(lines["Lambda duration (arm64)"], 1e5 * 0.03 * 0.5 * 0.0000133334); // 1,500 GB-s
    expectClose(lines["DynamoDB writes"], 0.75); // 1.2 M WRU × $0.625/M
    expectClose(lines["DynamoDB reads"], 0.0125); // 0.1 M RRU × $0.125/M: one marker read per 10-event request
    expect(lines["CloudWatch PutMetricData"]).to.equal(0);
    expectClose(lines["CloudWatch Logs ingestion"], 0.02645); // 100,000 × 529 B = 0.0529 GB × $0.50
    expectClose(b.totalUsd, 0.1 + 0.02 + 1e5 * 0.03 * 0.5 * 0.0000133334 + 0.75 + 0.0125 + 0.02645);
  });

  it("prices dev (arm64 256 MB) lower than prod only by half the duration line", () => {
    const b = costPerMillionEvents(ours("dev"));
    expectClose(usd(b)["Lambda duration (arm64)"], 1e5 * 0.03 * 0.25 * 0.0000133334); // 750 GB-s
    expectClose(costPerMillionEvents(ours("prod")).totalUsd - b.totalUsd, 1e5 * 0.03 * 0.25 * 0.0000133334);
  });

  it("shows its arithmetic in each line", () => {
    const b = costPerMillionEvents(NAIVE_BASELINE);
    expect(b.lines.map((l) => l.arithmetic)).to.deep.equal([
      "1000000 req × $1/M",
      "1000000 inv × $0.2/M",
      "1000000 × 134 ms × 512/1024 GB = 67000 GB-s × $0.0000166667",
      "1000000 ev × 3 WRU × $0.625/M",
      "1000000 ev × 0 RRU × $0.125/M",
      "2000000 calls × $10/M",
      "1000000 × (261 + 200) B = 0.461 GB × $0.5/GB",
    ]);
  });
});

describe("bench all-in monthly cost (storage, PITR, logs, fixed costs)", () => {
  const ingest = allInFixture().ingestPerMillion;
  const inputs = (pitr: boolean): AllInInputs =>
    allInFixture({
      hotRetentionDays: 365.25,
      logRetentionDays: 30.4375,
      pitr,
      alarmMetrics: 25,
      customMetrics: 10,
      dashboards: 1,
      secrets: 1,
    });

  it("prices a year of retention at 1 M events/month line by line (steady state)", () => {
    const m = allInMonthly(inputs(true), 1e6);
    const lines = Object.fromEntries(m.lines.map((l) => [l.item, l.usd]));
    expectClose(lines.Ingest, ingest.totalUsd);
    expectClose(lines["Events storage"], 1.5); // 1e6 × 500 B × 12 months = 6 GB × $0.25
    expectClose(lines["Sessions storage"], 0.12); // 1e5 × 400 B × 12 = 0.48 GB × $0.25
    expectClose(lines["UserIndex storage"], 0.045); // 1e5 × 150 B × 12 = 0.18 GB
    expectClose(lines["ActiveSessions storage"], ((1e5 * 200 * (2 / 30.4375)) / 1e9) * 0.25);
    const tableGb = 6 + 0.48 + (1e5 * 200 * (2 / 30.4375)) / 1e9; // the index is not backed up
    expectClose(lines.PITR, tableGb * 0.2);
    expectClose(lines["Log storage"], 0.003); // 0.1 GB × 1 month × $0.03
    expect([lines.Alarms, lines.Dashboard, lines["Custom metrics"], lines["Stats key secret"]]).to.deep.equal([2.5, 3, 3, 0.4]);
    expectClose(m.perMillionUsd, m.monthlyUsd);
    expect(m.lines.find((l) => l.item === "Events storage")!.arithmetic).to.equal("1000000 ev × 500 B × 365.25 d/30.4375 d = 6 GB × $0.25");
  });

  it("spreads the fixed monthly costs over the volume and drops PITR when the stack has none", () => {
    const at1 = allInMonthly(inputs(false), 1e6);
    const at100 = allInMonthly(inputs(false), 1e8);
    expect(at1.lines.map((l) => l.item)).not.to.include("PITR");
    const fixed = 2.5 + 3 + 3 + 0.4;
    expectClose(at1.perMillionUsd - at100.perMillionUsd, fixed - fixed / 100);
  });

  it("keeps the dashboard's free tier out of the total: a separate line, and the figure it would give beside it", () => {
    const m = allInMonthly(inputs(false), 1e7);
    expect(m.lines.find((l) => l.item === "Dashboard")!.usd).to.equal(3);
    expect(m.freeTier).to.deep.equal([
      { item: "Dashboard free tier", arithmetic: "only if the account has no more than 3 dashboards: −1 × $3", usd: -3 },
    ]);
    expectClose(
      m.monthlyUsd,
      m.lines.reduce((n, l) => n + l.usd, 0),
    );
    expectClose(m.perMillionWithFreeTierUsd, (m.monthlyUsd - 3) / 10);
    expect(renderMonthly(m).split("\n").slice(-3)).to.deep.equal([
      "  not in the total above, a free tier the stack may get:",
      `  ${"Dashboard free tier".padEnd(24)} ${"only if the account has no more than 3 dashboards: −1 × $3".padEnd(86)} = $-3.0000`,
      `  ${"per million with it".padEnd(24)} ${"".padEnd(86)} = $${m.perMillionWithFreeTierUsd.toFixed(4)}`,
    ]);
    expect(allInMonthly({ ...inputs(false), dashboards: 0 }, 1e7).freeTier).to.deep.equal([]);
  });

  it("tabulates every line item per stack and volume, with — where a stack has no such line", () => {
    const table = lineItemTable({ x: [allInMonthly(inputs(true), 1e6)], y: [allInMonthly(inputs(false), 1e7)] }).split("\n");
    expect(table.slice(0, 2)).to.deep.equal(["| line item, $/month | x 1 M | y 10 M |", "|---|---:|---:|"]);
    const row = (item: string) => table.find((r) => r.startsWith(`| ${item} |`));
    expect(row("PITR")).to.match(/^\| PITR \| \$\d+\.\d\d \| — \|$/);
    expect(row("Dashboard")).to.equal("| Dashboard | $3.00 | $3.00 |");
    expect(row("Alarms")).to.equal("| Alarms | $2.50 | $2.50 |");
    expect(table.at(-1)).to.equal("| free tier, not in the total | $-3.00 | $-3.00 |");
    expect(table).to.have.length(2 + allInMonthly(inputs(true), 1e6).lines.length + 2);
    // PITR keeps its place after the storage lines although the first stack has none.
    expect(table.findIndex((r) => r.startsWith("| PITR |"))).to.equal(
      table.findIndex((r) => r.startsWith("| ActiveSessions storage |")) + 1,
    );
  });

  it("counts the alarm metrics each committed stack bills: metric-math alarms bill each metric they read", () => {
    // dev: 11 alarms, no concurrency alarm while unreserved. Metric math: each function's failure rate over 3
    // (ServerErrors, Errors, Invocations), the API 5xx rate over 2, the dropped share over 2 (EventsDropped,
    // EventsProcessed); one metric each: API 429s, API p99 latency, EventsRejected, the 4 of the archive, the
    // stats function's Errors and Throttles.
    const dev = readStackConfig("dev");
    expect(dev.diagnosticAlarms).to.equal(false);
    expect(alarmMetricCount(dev)).to.equal(2 * 3 + 2 + 2 + 3 + 4 + 2);
    // prod reserves concurrency, so each function's concurrency alarm is added.
    expect(alarmMetricCount(readStackConfig("prod"))).to.equal(19 + 2);
    // The diagnostic alarms: each function's p99 duration and throttles, the API 4xx rate (2), 6 table throttles.
    expect(alarmMetricCount({ ...dev, diagnosticAlarms: true })).to.equal(19 + 2 * 2 + 2 + 6);
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
      ]).to.deep.equal([30, 3, 3, 3, 10]);
      // A stored event: ~400 B of attributes (Chrome user agent, URL, ids, properties) + 100 B overhead.
      expect(sizes.events.mean_stored_bytes).to.be.within(450, 560);
      // A KEYS_ONLY index entry: session_id (32 chars, the tracker's shape) + user_id (18) + start_time + 100 B.
      expect(sizes.user_index.mean_stored_bytes).to.be.within(175, 195);
    } finally {
      await dynamo.close();
    }
  });
});
