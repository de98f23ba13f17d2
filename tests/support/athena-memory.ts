/**
 * Athena behind the real AthenaClient: a request handler speaking the AWS JSON 1.1 protocol
 * (`x-amz-target: AmazonAthena.<Operation>`, Athena API Reference) for StartQueryExecution,
 * GetQueryExecution, GetQueryResults (paged, header row first) and StopQueryExecution. Queries run
 * on DuckDB over an archive directory, the Glue table standing in as `"<db>"."<table>"`, so the
 * SQL /stats sends to Athena really runs. Faults at this HTTP layer: throttling
 * (TooManyRequestsException, which the SDK retries), 500s, FAILED queries, queries that never
 * finish; result reuse by age as Athena documents it (same text, within MaxAgeInMinutes).
 */
import { Readable } from "node:stream";
import { AthenaClient } from "@aws-sdk/client-athena";
import { DuckDBInstance } from "@duckdb/node-api";
import { duckdbArchiveSource } from "../../functions/archive/query-sql";

export interface AthenaFaults {
  /** Answer the next N requests of any operation with 400 TooManyRequestsException. */
  throttleNext?: number;
  /** Answer the next N GetQueryResults with 500 InternalServerException. */
  resultErrorsNext?: number;
  /** Polls a query stays RUNNING before it succeeds. */
  runningPolls?: number;
  /** Every query ends FAILED with this reason. */
  failWith?: string;
  /** Queries never leave RUNNING. */
  hang?: boolean;
}

interface Execution {
  sql: string;
  polls: number;
  state: string;
  reused: boolean;
  result?: { columns: string[]; rows: (string | null)[][] };
  startedAt: number;
}

const reply = (status: number, body: unknown) => {
  const bytes = Buffer.from(JSON.stringify(body));
  return {
    response: {
      statusCode: status,
      headers: { "content-type": "application/x-amz-json-1.1", "content-length": String(bytes.length) },
      body: Readable.from([bytes]),
    },
  };
};
const fault = (status: number, type: string, message: string) => reply(status, { __type: type, message });

export function memoryAthena(archiveDir: string, database: string, table: string, faults: AthenaFaults = {}, pageSize = 1000) {
  const executions = new Map<string, Execution>();
  const calls: string[] = [];
  let clock = 0;
  const now = () => clock;

  async function execute(sql: string) {
    const instance = await DuckDBInstance.create(":memory:");
    const c = await instance.connect();
    try {
      await c.run(`CREATE SCHEMA "${database}"`);
      await c.run(`CREATE VIEW "${database}"."${table}" AS SELECT * FROM ${duckdbArchiveSource(archiveDir)}`);
      const reader = await c.runAndReadAll(sql);
      return {
        columns: reader.columnNames(),
        rows: (reader.getRowsJson() as unknown[][]).map((r) => r.map((v) => (v === null ? null : String(v)))),
      };
    } finally {
      c.closeSync();
      instance.closeSync();
    }
  }

  async function handle(request: { headers: Record<string, string>; body?: unknown }) {
    const operation = String(request.headers["x-amz-target"]).replace("AmazonAthena.", "");
    calls.push(operation);
    if (faults.throttleNext) {
      faults.throttleNext--;
      return fault(400, "TooManyRequestsException", "Rate exceeded");
    }
    const body = request.body;
    const input = JSON.parse(
      body === undefined ? "{}" : typeof body === "string" ? body : Buffer.from(body as Uint8Array).toString("utf8"),
    );
    if (operation === "StartQueryExecution") {
      const maxAge = input.ResultReuseConfiguration?.ResultReuseByAgeConfiguration;
      const previous = [...executions.values()].find(
        (e) =>
          maxAge?.Enabled &&
          e.sql === input.QueryString &&
          e.state === "SUCCEEDED" &&
          !e.reused &&
          now() - e.startedAt <= maxAge.MaxAgeInMinutes * 60_000,
      );
      const id = `q-${executions.size + 1}`;
      executions.set(id, {
        sql: input.QueryString,
        polls: 0,
        state: previous ? "SUCCEEDED" : "QUEUED",
        reused: Boolean(previous),
        result: previous?.result,
        startedAt: now(),
      });
      return reply(200, { QueryExecutionId: id });
    }
    const execution = executions.get(input.QueryExecutionId);
    if (!execution) return fault(400, "InvalidRequestException", "QueryExecution not found");
    if (operation === "GetQueryExecution") {
      if (execution.state !== "SUCCEEDED" && execution.state !== "CANCELLED") {
        execution.polls++;
        if (faults.hang || execution.polls <= (faults.runningPolls ?? 1)) execution.state = "RUNNING";
        else if (faults.failWith) execution.state = "FAILED";
        else {
          execution.result = await execute(execution.sql);
          execution.state = "SUCCEEDED";
        }
      }
      const reason = execution.state === "FAILED" ? { StateChangeReason: faults.failWith } : {};
      return reply(200, {
        QueryExecution: {
          QueryExecutionId: input.QueryExecutionId,
          Status: { State: execution.state, ...reason },
          Statistics: { ResultReuseInformation: { ReusedPreviousResult: execution.reused } },
        },
      });
    }
    if (operation === "StopQueryExecution") {
      execution.state = "CANCELLED";
      return reply(200, {});
    }
    if (operation === "GetQueryResults") {
      if (faults.resultErrorsNext) {
        faults.resultErrorsNext--;
        return fault(500, "InternalServerException", "Internal error");
      }
      const { columns, rows } = execution.result!;
      const all = [columns, ...rows];
      const start = input.NextToken ? Number(input.NextToken) : 0;
      const page = all.slice(start, start + Math.min(pageSize, input.MaxResults ?? 1000));
      const next = start + page.length < all.length ? { NextToken: String(start + page.length) } : {};
      return reply(200, {
        ResultSet: {
          Rows: page.map((r) => ({ Data: r.map((v) => (v === null ? {} : { VarCharValue: v })) })),
          ResultSetMetadata: { ColumnInfo: columns.map((Name) => ({ Name, Type: "varchar" })) },
        },
        ...next,
      });
    }
    return fault(400, "InvalidRequestException", `unsupported operation ${operation}`);
  }

  return {
    executions,
    calls,
    faults,
    advance: (ms: number) => {
      clock += ms;
    },
    client: (maxAttempts = 3) =>
      new AthenaClient({
        region: "us-east-1",
        endpoint: "http://athena.memory.invalid",
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
        maxAttempts,
        retryStrategy: undefined,
        requestHandler: {
          handle: (request: never) => handle(request),
          updateHttpClientConfig() {},
          httpHandlerConfigs: () => ({}),
        } as never,
      }),
  };
}
