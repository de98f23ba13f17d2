/** Cost of one million events for a deployment shape, line by line, from the one price table. */
import { PLATFORM_LOG_BYTES, PRICES } from "./prices";

export interface CostInputs {
  name: string;
  eventsPerRequest: number;
  architecture: "arm64" | "x86_64";
  memoryMb: number;
  /** Billed duration of one invocation (ms). */
  durationMs: number;
  /** DynamoDB write request units per event (items + index writes). */
  writeUnitsPerEvent: number;
  putMetricDataPerEvent: number;
  /** Application log bytes per invocation (platform lines are added). */
  appLogBytesPerRequest: number;
  /** API access-log bytes per request; absent = not priced (the naive baseline had none). */
  accessLogBytesPerRequest?: number;
}

export interface CostLine {
  item: string;
  arithmetic: string;
  usd: number;
}

export interface CostBreakdown {
  name: string;
  lines: CostLine[];
  totalUsd: number;
}

const EVENTS = 1_000_000;
export const fmt = (n: number) => Number(n.toPrecision(6)).toString();

/** Pure: the same inputs always give the same lines; `bench` prints them and the test checks them. */
export function costPerMillionEvents(c: CostInputs): CostBreakdown {
  const requests = EVENTS / c.eventsPerRequest;
  const gbSecondPrice = c.architecture === "arm64" ? PRICES.lambdaGbSecondArm.usd : PRICES.lambdaGbSecondX86.usd;
  const gbSeconds = requests * (c.durationMs / 1000) * (c.memoryMb / 1024);
  const writeUnits = EVENTS * c.writeUnitsPerEvent;
  const metricCalls = EVENTS * c.putMetricDataPerEvent;
  const logGb = (requests * (PLATFORM_LOG_BYTES + c.appLogBytesPerRequest)) / 1e9;
  const lines: CostLine[] = [
    {
      item: "API Gateway HTTP",
      arithmetic: `${fmt(requests)} req × $${fmt(PRICES.httpApiRequest.usd * 1e6)}/M`,
      usd: requests * PRICES.httpApiRequest.usd,
    },
    {
      item: "Lambda requests",
      arithmetic: `${fmt(requests)} inv × $${fmt(PRICES.lambdaRequest.usd * 1e6)}/M`,
      usd: requests * PRICES.lambdaRequest.usd,
    },
    {
      item: `Lambda duration (${c.architecture})`,
      arithmetic: `${fmt(requests)} × ${c.durationMs} ms × ${c.memoryMb}/1024 GB = ${fmt(gbSeconds)} GB-s × $${gbSecondPrice}`,
      usd: gbSeconds * gbSecondPrice,
    },
    {
      item: "DynamoDB writes",
      arithmetic: `${fmt(EVENTS)} ev × ${fmt(c.writeUnitsPerEvent)} WRU × $${fmt(PRICES.dynamoWriteUnit.usd * 1e6)}/M`,
      usd: writeUnits * PRICES.dynamoWriteUnit.usd,
    },
    {
      item: "CloudWatch PutMetricData",
      arithmetic: `${fmt(metricCalls)} calls × $${fmt(PRICES.putMetricData.usd * 1e6)}/M`,
      usd: metricCalls * PRICES.putMetricData.usd,
    },
    {
      item: "CloudWatch Logs ingestion",
      arithmetic: `${fmt(requests)} × (${PLATFORM_LOG_BYTES} + ${c.appLogBytesPerRequest}) B = ${fmt(logGb)} GB × $${PRICES.logsIngestionGb.usd}/GB`,
      usd: logGb * PRICES.logsIngestionGb.usd,
    },
  ];
  if (c.accessLogBytesPerRequest) {
    const accessGb = (requests * c.accessLogBytesPerRequest) / 1e9;
    lines.push({
      item: "Access log ingestion",
      arithmetic: `${fmt(requests)} × ${c.accessLogBytesPerRequest} B = ${fmt(accessGb)} GB × $${PRICES.logsIngestionGb.usd}/GB`,
      usd: accessGb * PRICES.logsIngestionGb.usd,
    });
  }
  return { name: c.name, lines, totalUsd: lines.reduce((sum, l) => sum + l.usd, 0) };
}

/**
 * The seed's design (docs/prices.md worked reference): 1 event per request, x86 512 MB at 134 ms,
 * 3 writes and 2 PutMetricData per event, a ~200-byte application log line.
 */
export const NAIVE_BASELINE: CostInputs = {
  name: "naive_baseline",
  eventsPerRequest: 1,
  architecture: "x86_64",
  memoryMb: 512,
  durationMs: 134,
  writeUnitsPerEvent: 3,
  putMetricDataPerEvent: 2,
  appLogBytesPerRequest: 200,
};

export function renderBreakdown(b: CostBreakdown): string {
  const rows = b.lines.map((l) => `  ${l.item.padEnd(28)} ${l.arithmetic.padEnd(70)} = $${l.usd.toFixed(4)}`);
  return [`${b.name}:`, ...rows, `  ${"total".padEnd(28)} ${"".padEnd(70)} = $${b.totalUsd.toFixed(4)}`].join("\n");
}
