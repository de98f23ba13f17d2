/**
 * CollectorApi's contract: its args grouped by capability (tables, functions, API), every one
 * required and resolved. The stack's settings, their defaults and their documentation live in
 * config.ts; index.ts passes them on, so this component applies no default of its own.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { FunctionSettings } from "../contracts/function-env";

/** The instruction sets Lambda offers (Lambda Developer Guide, "Lambda instruction set architectures"). */
export const ARCHITECTURES = ["arm64", "x86_64"] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** A table the functions use: its name reaches their environment and, with the account scope, their IAM policy. */
export interface TableRef {
  readonly name: pulumi.Input<string>;
}

/** The three tables of AnalyticsTables. */
export interface CollectorApiTables {
  readonly events: TableRef;
  readonly sessions: TableRef;
  readonly activeSessions: TableRef;
}

/** Both functions' Lambda settings (liveinsight:memorySize, … in config.ts). */
export interface CollectorApiFunctions {
  readonly memorySize: pulumi.Input<number>;
  readonly timeoutSeconds: pulumi.Input<number>;
  readonly architecture: pulumi.Input<Architecture>;
  /** -1 = unreserved. */
  readonly reservedConcurrency: pulumi.Input<number>;
  /** Of the function log groups and the API access log group. */
  readonly logRetentionDays: pulumi.Input<number>;
}

/** The HTTP API and its stage. */
export interface CollectorApiHttp {
  readonly throttleRateLimit: pulumi.Input<number>;
  readonly throttleBurstLimit: pulumi.Input<number>;
  readonly corsOrigins: pulumi.Input<pulumi.Input<string>[]>;
  /** Keep it above the function timeout. */
  readonly integrationTimeoutMs: pulumi.Input<number>;
}

export interface CollectorApiArgs {
  /** Stack name: function names are `LiveInsight-<stack>-collector` / `-realtime`; also ENVIRONMENT. */
  readonly stack: string;
  /** The tables the functions read and write. */
  readonly tables: CollectorApiTables;
  readonly functions: CollectorApiFunctions;
  /** What reaches both functions' environment, written by contracts/function-env.ts. */
  readonly functionSettings: FunctionSettings;
  readonly api: CollectorApiHttp;
}
