import { expect } from "chai";
import { REALTIME_REFRESH_MS } from "../../contracts/stats";
import { allInMonthly } from "./all-in";
import { allInFixture } from "./all-in-fixture";
import { DAYS_PER_MONTH } from "./prices";
import { ANSWERS_PER_VIEWER_DAY, type RealtimeViewerInputs, viewerDayLines, viewerDayUsd } from "./realtime-cost";
import { readStackConfig, realtimeViewerInputs } from "./stacks";
import { expectClose } from "./tolerance";

const VIEWER: RealtimeViewerInputs = {
  readUnitsPerAnswer: 4,
  architecture: "arm64",
  memoryMb: 512,
  durationMs: 30,
  logBytesPerAnswer: 1000,
  logRetentionDays: 30.4375,
};

describe("bench realtime cost per viewer-day", () => {
  it("polls the live count every REALTIME_REFRESH_MS for 24 hours: 17,280 answers at 5 s", () => {
    expect(REALTIME_REFRESH_MS).to.equal(5000);
    expect(ANSWERS_PER_VIEWER_DAY).to.equal(17_280);
  });

  it("prices each answer as an API request, an invocation, its duration, its read units and its log bytes", () => {
    const n = 17_280;
    const lines = Object.fromEntries(viewerDayLines(VIEWER).map((l) => [l.item, l.usd]));
    expectClose(lines["API Gateway HTTP"], n * 1e-6);
    expectClose(lines["Lambda requests"], n * 0.2e-6);
    expectClose(lines["Lambda duration (arm64)"], n * 0.03 * 0.5 * 0.0000133334);
    expectClose(lines["DynamoDB reads"], n * 4 * 0.125e-6);
    // 17.28 MB ingested at $0.50/GB, stored one month at $0.03/GB-month.
    expectClose(lines.Logs, n * 1000 * 1e-9 * (0.5 + 0.03));
    expectClose(
      viewerDayUsd(VIEWER),
      Object.values(lines).reduce((a, b) => a + b, 0),
    );
  });

  it("grows with the read units of an answer and nothing else in the table", () => {
    const more = viewerDayUsd({ ...VIEWER, readUnitsPerAnswer: 40 }) - viewerDayUsd(VIEWER);
    expectClose(more, 17_280 * 36 * 0.125e-6);
  });

  it("takes the realtime function's memory, architecture and log retention from each committed stack file", () => {
    for (const stack of ["dev", "prod"]) {
      const cfg = readStackConfig(stack);
      const measured = {
        writeUnitsPerEvent: 1.2,
        readUnitsPerEvent: 0.1,
        realtimeReadUnitsPerAnswer: 7,
        appLogBytesPerRequest: 300,
        billedDurationMs: 30,
        eventsPerRequest: 10,
        sizes: undefined as never,
      };
      expect(realtimeViewerInputs(cfg, measured, 350)).to.deep.equal({
        readUnitsPerAnswer: 7,
        architecture: cfg.architecture,
        memoryMb: cfg.memorySize,
        durationMs: 30,
        logBytesPerAnswer: 261 + 300 + 350,
        logRetentionDays: cfg.logRetentionDays,
      });
    }
  });

  it("adds the assumed viewer-days to the all-in month as one line, the same at every volume", () => {
    const base = allInFixture();
    const realtime = { viewer: VIEWER, viewerDaysPerMonth: DAYS_PER_MONTH };
    for (const volume of [1e6, 1e8]) {
      const withViewers = allInMonthly({ ...base, realtime }, volume);
      const without = allInMonthly(base, volume);
      const line = withViewers.lines.find((l) => l.item === "Realtime viewers")!;
      expectClose(line.usd, DAYS_PER_MONTH * viewerDayUsd(VIEWER));
      expectClose(withViewers.monthlyUsd - without.monthlyUsd, line.usd);
      expect(line.arithmetic).to.equal(
        `30.4375 viewer-days × $${viewerDayUsd(VIEWER).toFixed(4)} (17280 answers × 4 RRU + API, Lambda, logs)`,
      );
    }
  });
});
