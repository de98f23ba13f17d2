import { expect } from "chai";
import { allInMonthly } from "./all-in";
import { allInFixture } from "./all-in-fixture";
import { type ArchiveCostInputs, archiveLines, archiverInvocations } from "./archive-cost";
import { DAYS_PER_MONTH } from "./prices";
import { archiveCostInputs, readStackConfig } from "./stacks";
import { expectClose } from "./tolerance";

const A: ArchiveCostInputs = {
  eventRetentionDays: 365.25,
  logRetentionDays: 30.4375,
  architecture: "arm64",
  batchSize: 1000,
  batchingWindowSeconds: 30,
  streamShards: 4,
  archiverMemoryMb: 1024,
  compactionMemoryMb: 1024,
  archiverBaseMs: 100,
  encodeEventsPerSecond: 10_000,
  parquetBytesPerEvent: 40,
  scanBytesPerEvent: 0.25,
  queriesPerMonth: 100,
  archiverLogBytes: 300,
};
const WINDOWS = (DAYS_PER_MONTH * 86_400) / 30;
const line = (lines: { item: string; usd: number }[], item: string) => lines.find((l) => l.item === item)!.usd;

describe("bench archive cost (S3, Athena, archiver, compaction, scheduler)", () => {
  it("invokes once per shard window that has a record, and once per full batch beyond that", () => {
    // Far below a record per window: about one invocation per event (a few windows get two).
    expectClose(archiverInvocations(A, 1000), 4 * WINDOWS * (1 - Math.exp(-1000 / 4 / WINDOWS)));
    // λ = 1e9 / 4 / WINDOWS ≈ 2852 per shard window: full batches decide (1e9 / 1000).
    expectClose(archiverInvocations(A, 1e9), 1e6);
    const λ = 1e7 / 4 / WINDOWS;
    expectClose(archiverInvocations(A, 1e7), 4 * WINDOWS * (1 - Math.exp(-λ)));
  });

  it("prices a year of Parquet at 1 GB = 1e9 B, the Athena minimum of 10 MB a query, and free stream reads", () => {
    const lines = archiveLines(A, 1e6);
    // 1e6 ev × 40 B × 12 months = 0.48 GB × $0.023
    expectClose(line(lines, "Archive storage (S3)"), 0.48 * 0.023);
    // 30 days of 1e6/month events × 0.25 B < 10 MB: every query bills 10 MB.
    expectClose(line(lines, "Athena scans"), (100 * 10 * 1_048_576 * 5) / 1e12);
    expectClose(line(lines, "Archive PUTs"), archiverInvocations(A, 1e6) * 0.000005);
    expectClose(line(lines, "Scheduler"), DAYS_PER_MONTH * 1e-6);
    for (const free of ["Stream reads", "Failure queue (SQS)", "Glue Data Catalog"]) expect(line(lines, free), free).to.equal(0);
  });

  it("moves DynamoDB storage and PITR to the hot tier: 14 days cost 14/395 of 395 days", () => {
    const base = allInFixture({ pitr: true });
    const everythingHot = allInMonthly({ ...base, hotRetentionDays: 395 }, 1e7);
    const archived = allInMonthly({ ...base, hotRetentionDays: 14, archive: { ...A, eventRetentionDays: 395 } }, 1e7);
    const storage = (m: typeof archived) => line(m.lines, "Events storage");
    expectClose(storage(archived) / storage(everythingHot), 14 / 395);
    // ActiveSessions rows (2 days of TTL lag) are backed up either way, so PITR falls a little less:
    // per day of retention 1e7 events × 500 B + 1e6 sessions × 400 B, plus 1e6 × 200 B × 2 days.
    const pitrBytes = (days: number) => (1e7 * 500 + 1e6 * 400) * days + 1e6 * 200 * 2;
    expectClose(line(archived.lines, "PITR") / line(everythingHot.lines, "PITR"), pitrBytes(14) / pitrBytes(395));
    expect(archived.lines.map((l) => l.item)).to.include.members(["Archive storage (S3)", "Archiver invocations", "Compaction"]);
  });

  it("reads the archive's settings from each committed stack file", () => {
    const prod = archiveCostInputs(readStackConfig("prod"));
    expect([prod.eventRetentionDays, prod.batchSize, prod.batchingWindowSeconds, prod.archiverMemoryMb]).to.deep.equal([
      395, 1000, 300, 512,
    ]);
    const dev = archiveCostInputs(readStackConfig("dev"));
    expect([dev.eventRetentionDays, dev.batchingWindowSeconds]).to.deep.equal([30, 30]);
  });

  it("prod gathers 300 s per shard: a tenth of 30 s's objects at 10 M events, full batches at 100 M, and its lag alarm sits above twice the window", () => {
    const cfg = readStackConfig("prod");
    expect(cfg.alarmThresholds.archiveIteratorAgeMs).to.be.at.least(2 * cfg.archiveBatchingWindowSeconds * 1000);
    const prod = archiveCostInputs(cfg);
    const windows = (DAYS_PER_MONTH * 86_400) / 300;
    // λ ≈ 285 records per shard window at 10 M: every window invokes once, none fills a batch of 1000.
    expectClose(archiverInvocations(prod, 1e7), 4 * windows);
    expectClose(archiverInvocations({ ...prod, batchingWindowSeconds: 30 }, 1e7) / archiverInvocations(prod, 1e7), 10);
    // λ ≈ 2,852 at 100 M: batches of 1000 close before the window does.
    expectClose(archiverInvocations(prod, 1e8), 1e5);
    expectClose(line(archiveLines(prod, 1e7), "Archive PUTs"), 4 * windows * 0.000005);
  });
});
