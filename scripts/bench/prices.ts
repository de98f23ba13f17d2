/**
 * The one price table of the benchmark's cost model: AWS list prices, us-east-1, no free tier.
 * Copied from /work/shared/PRICES.md ("as found 2026"); re-check the sources before quoting a bill.
 */
export const PRICES_AS_OF = "2026 (us-east-1 list prices, from shared/PRICES.md)";

export interface Price {
  usd: number;
  per: string;
  source: string;
}

export const PRICES = {
  httpApiRequest: { usd: 1.0 / 1e6, per: "request (first 300 M/month)", source: "aws.amazon.com/api-gateway/pricing" },
  lambdaRequest: { usd: 0.2 / 1e6, per: "invocation (x86_64 and arm64)", source: "aws.amazon.com/lambda/pricing" },
  lambdaGbSecondX86: { usd: 0.0000166667, per: "GB-second, x86_64", source: "aws.amazon.com/lambda/pricing" },
  lambdaGbSecondArm: { usd: 0.0000133334, per: "GB-second, arm64", source: "aws.amazon.com/lambda/pricing" },
  dynamoWriteUnit: { usd: 0.625 / 1e6, per: "on-demand write request unit (after the 2024-11-01 cut)", source: "aws.amazon.com/dynamodb/pricing/on-demand" },
  putMetricData: { usd: 0.01 / 1000, per: "PutMetricData request", source: "aws.amazon.com/cloudwatch/pricing" },
  logsIngestionGb: { usd: 0.5, per: "GB ingested (Standard class, GB = 1e9 bytes)", source: "aws.amazon.com/cloudwatch/pricing" },
} as const satisfies Record<string, Price>;

/** START + END + REPORT lines Lambda writes per invocation (measured on a real log sample, PRICES.md). */
export const PLATFORM_LOG_BYTES = 261;
