/** Cost of one million events for a deployment shape, line by line, from the one price table. */
import { BYTES_PER_GB, PLATFORM_LOG_BYTES, PRICES } from "./prices";

export interface CostInputs {
  name: string;
  eventsPerRequest: number;
  architecture: "arm64" | "x86_64";
  memoryMb: number;
  /** Billed duration of one invocation (ms). */
  durationMs: number;
  /** DynamoDB write request units per event (items + index writes). */
  writeUnitsPerEvent: number;
  /** DynamoDB read request units per event (the collector's future-marker BatchGetItem, measured). */
  readUnitsPerEvent: number;
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
export const sumUsd = (lines: readonly CostLine[]) => lines.reduce((sum, l) => sum + l.usd, 0);

/** `count` things at a price per thing, shown per million. */
const perMillion = (item: string, count: number, unit: string, price: number): CostLine => ({
  item,
  arithmetic: `${fmt(count)} ${unit} × $${fmt(price * 1e6)}/M`,
  usd: count * price,
});

/** Pure: the same inputs always give the same lines; `bench` prints them and the test checks them. */
export function costPerMillionEvents(c: CostInputs): CostBreakdown {
  const requests = EVENTS / c.eventsPerRequest;
  const gbSecondPrice = c.architecture === "arm64" ? PRICES.lambdaGbSecondArm.usd : PRICES.lambdaGbSecondX86.usd;
  const gbSeconds = requests * (c.durationMs / 1000) * (c.memoryMb / 1024);
  const ingested = (item: string, bytesText: string, bytesPerRequest: number): CostLine => {
    const gb = (requests * bytesPerRequest) / BYTES_PER_GB;
    const price = PRICES.logsIngestionGb.usd;
    return { item, arithmetic: `${fmt(requests)} × ${bytesText} B = ${fmt(gb)} GB × $${price}/GB`, usd: gb * price };
  };
  const lines: CostLine[] = [
    perMillion("API Gateway HTTP", requests, "req", PRICES.httpApiRequest.usd),
    perMillion("Lambda requests", requests, "inv", PRICES.lambdaRequest.usd),
    {
      item: `Lambda duration (${c.architecture})`,
      arithmetic: `${fmt(requests)} × ${c.durationMs} ms × ${c.memoryMb}/1024 GB = ${fmt(gbSeconds)} GB-s × $${gbSecondPrice}`,
      usd: gbSeconds * gbSecondPrice,
    },
    {
      item: "DynamoDB writes",
      arithmetic: `${fmt(EVENTS)} ev × ${fmt(c.writeUnitsPerEvent)} WRU × $${fmt(PRICES.dynamoWriteUnit.usd * 1e6)}/M`,
      usd: EVENTS * c.writeUnitsPerEvent * PRICES.dynamoWriteUnit.usd,
    },
    {
      item: "DynamoDB reads",
      arithmetic: `${fmt(EVENTS)} ev × ${fmt(c.readUnitsPerEvent)} RRU × $${fmt(PRICES.dynamoReadUnit.usd * 1e6)}/M`,
      usd: EVENTS * c.readUnitsPerEvent * PRICES.dynamoReadUnit.usd,
    },
    perMillion("CloudWatch PutMetricData", EVENTS * c.putMetricDataPerEvent, "calls", PRICES.putMetricData.usd),
    ingested(
      "CloudWatch Logs ingestion",
      `(${PLATFORM_LOG_BYTES} + ${c.appLogBytesPerRequest})`,
      PLATFORM_LOG_BYTES + c.appLogBytesPerRequest,
    ),
  ];
  if (c.accessLogBytesPerRequest) lines.push(ingested("Access log ingestion", `${c.accessLogBytesPerRequest}`, c.accessLogBytesPerRequest));
  return { name: c.name, lines, totalUsd: sumUsd(lines) };
}

/**
 * The seed's design (docs/prices.md worked reference): 1 event per request, x86 512 MB at 134 ms,
 * 3 writes and 2 PutMetricData per event, no reads, a ~200-byte application log line.
 */
export const NAIVE_BASELINE: CostInputs = {
  name: "naive_baseline",
  eventsPerRequest: 1,
  architecture: "x86_64",
  memoryMb: 512,
  durationMs: 134,
  writeUnitsPerEvent: 3,
  readUnitsPerEvent: 0,
  putMetricDataPerEvent: 2,
  appLogBytesPerRequest: 200,
};

/** Cost lines as the bench prints them: item, arithmetic, amount, padded to the given widths. */
export function costRows(lines: readonly CostLine[], itemWidth: number, arithmeticWidth: number, digits = 4): string[] {
  return lines.map((l) => `  ${l.item.padEnd(itemWidth)} ${l.arithmetic.padEnd(arithmeticWidth)} = $${l.usd.toFixed(digits)}`);
}

export function renderBreakdown(b: CostBreakdown): string {
  return [`${b.name}:`, ...costRows([...b.lines, { item: "total", arithmetic: "", usd: b.totalUsd }], 28, 70)].join("\n");
}
