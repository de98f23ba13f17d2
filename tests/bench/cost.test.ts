import { expect } from "chai";
import { costPerMillionEvents, CostInputs, NAIVE_BASELINE } from "../../scripts/bench/cost";
import { readStackConfig } from "../../scripts/bench/stacks";

const usd = (b: ReturnType<typeof costPerMillionEvents>) => Object.fromEntries(b.lines.map((l) => [l.item, l.usd]));

describe("bench cost per million events", () => {
  it("prices the naive baseline line by line as PRICES.md's worked reference (≈ $24.42)", () => {
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
    return { name: stack, eventsPerRequest: 10, architecture: cfg.architecture, memoryMb: cfg.memorySize, durationMs: 30,
      writeUnitsPerEvent: 1.2, putMetricDataPerEvent: 0, appLogBytesPerRequest: 268 };
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
