/**
 * The one price table of the benchmark's cost model: AWS list prices, us-east-1, no free tier.
 * Each entry's source is listed in docs/prices.md ("as found 2026"); re-check before quoting a bill.
 */
export const PRICES_AS_OF = "2026 (us-east-1 list prices, no free tier; sources in docs/prices.md)";

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
  dynamoWriteUnit: {
    usd: 0.625 / 1e6,
    per: "on-demand write request unit (after the 2024-11-01 cut)",
    source: "aws.amazon.com/dynamodb/pricing/on-demand",
  },
  dynamoReadUnit: {
    usd: 0.125 / 1e6,
    per: "on-demand read request unit (4 KB strongly consistent, 8 KB eventually consistent)",
    source: "aws.amazon.com/dynamodb/pricing/on-demand",
  },
  dynamoStorageGbMonth: {
    usd: 0.25,
    per: "GB-month of table and index storage (Standard class; item size + 100 B)",
    source: "aws.amazon.com/dynamodb/pricing/on-demand",
  },
  pitrGbMonth: { usd: 0.2, per: "GB-month of point-in-time recovery (table size)", source: "aws.amazon.com/dynamodb/pricing/on-demand" },
  putMetricData: { usd: 0.01 / 1000, per: "PutMetricData request", source: "aws.amazon.com/cloudwatch/pricing" },
  logsIngestionGb: { usd: 0.5, per: "GB ingested (Standard class, GB = 1e9 bytes)", source: "aws.amazon.com/cloudwatch/pricing" },
  logsStorageGbMonth: { usd: 0.03, per: "GB-month of log storage", source: "aws.amazon.com/cloudwatch/pricing" },
  alarmMetricMonth: {
    usd: 0.1,
    per: "standard-resolution alarm metric-month (a metric-math alarm bills each metric it reads)",
    source: "aws.amazon.com/cloudwatch/pricing",
  },
  dashboardMonth: { usd: 3.0, per: "dashboard-month (beyond the first 3 per account)", source: "aws.amazon.com/cloudwatch/pricing" },
  customMetricMonth: {
    usd: 0.3,
    per: "custom metric-month (each name + dimension values; first 10,000)",
    source: "aws.amazon.com/cloudwatch/pricing",
  },
  s3StorageGbMonth: { usd: 0.023, per: "GB-month of S3 Standard storage (first 50 TB)", source: "aws.amazon.com/s3/pricing" },
  s3PutRequest: { usd: 0.005 / 1000, per: "S3 PUT, COPY, POST or LIST request (Standard)", source: "aws.amazon.com/s3/pricing" },
  s3GetRequest: { usd: 0.0004 / 1000, per: "S3 GET or SELECT request (Standard)", source: "aws.amazon.com/s3/pricing" },
  athenaScannedTb: { usd: 5, per: "TB scanned by Athena (10 MB minimum per query)", source: "aws.amazon.com/athena/pricing" },
  schedulerInvocation: {
    usd: 1.0 / 1e6,
    per: "EventBridge Scheduler invocation (after 14 M free a month)",
    source: "aws.amazon.com/eventbridge/pricing",
  },
  sqsRequest: { usd: 0.4 / 1e6, per: "SQS standard request (64 KB chunks)", source: "aws.amazon.com/sqs/pricing" },
} as const satisfies Record<string, Price>;

/** START + END + REPORT lines Lambda writes per invocation (measured on a real log sample, docs/prices.md). */
export const PLATFORM_LOG_BYTES = 261;

/** Storage and log volumes are priced per 1e9 bytes: slightly above AWS's binary GB, so never under-stated. */
export const BYTES_PER_GB = 1e9;

/** The average month, for turning retention days into months of storage. */
export const DAYS_PER_MONTH = 30.4375;
