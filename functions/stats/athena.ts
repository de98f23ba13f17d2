/**
 * /stats on AWS: Athena (engine 3) over the archive's Glue table, through the workgroup that
 * enforces the result location and the per-query bytes-scanned cutoff. Start, poll with capped
 * exponential backoff, read every result page, all inside the time the API leaves (the HTTP API
 * integration stops waiting at 30 s): past it the query is stopped and a 503 answered.
 *
 * Result reuse (Athena User Guide, "Reuse query results",
 * https://docs.aws.amazon.com/athena/latest/ug/reusing-query-results.html): the same query text
 * within `reuseMaxAgeMinutes` is answered from the previous result without scanning (no bytes
 * billed). /stats writes sites and days as literals, so a reloaded dashboard sends the same texts.
 */
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { eventsViewSql } from "../archive/query-sql";
import { EngineUnavailableError, type StatsEngine } from "./engine";
import type { RawTable } from "./results";

/** A reused answer is at most this old: the dashboard's figures lag the archive by at most as much. */
export const RESULT_REUSE_MAX_AGE_MINUTES = 5;
/** Poll delays: 100 ms doubling to 1 s (most dashboard queries finish in 1–3 s). */
export const POLL = { firstMs: 100, maxMs: 1_000 } as const;
/** Kept back from the budget to read results and answer before API Gateway gives up. */
const ANSWER_MARGIN_MS = 1_500;

export interface AthenaEngineOptions {
  client: Pick<AthenaClient, "send">;
  workgroup: string;
  database: string;
  table: string;
  /** Time left for this request (the invocation's remaining time, at most the API's 30 s). */
  remainingMs: () => number;
  sleep: (ms: number) => Promise<void>;
  reuseMaxAgeMinutes?: number;
}

/** The view `events` of the archive as a subquery over the Glue table, so no view has to exist. */
export function athenaRelation(database: string, table: string): string {
  const viewBody = eventsViewSql(`"${database}"."${table}"`).split("\n").slice(1).join("\n");
  return `(${viewBody}) AS events`;
}

async function readAll(client: AthenaEngineOptions["client"], id: string): Promise<RawTable> {
  const rows: (string | null)[][] = [];
  let columns: string[] = [];
  let token: string | undefined;
  let first = true;
  do {
    const page = await client.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 }));
    columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo?.map((c) => c.Name ?? "") ?? columns;
    const data = (page.ResultSet?.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue ?? null));
    // A SELECT's first row on the first page is the header (Athena User Guide, "Working with query results").
    rows.push(...(first ? data.slice(1) : data));
    first = false;
    token = page.NextToken;
  } while (token);
  return { columns, rows };
}

export function athenaStatsEngine(o: AthenaEngineOptions): StatsEngine & { lastReused?: boolean } {
  const engine: StatsEngine & { lastReused?: boolean } = {
    async run(sql) {
      const started = await o.client
        .send(
          new StartQueryExecutionCommand({
            QueryString: sql,
            WorkGroup: o.workgroup,
            QueryExecutionContext: { Database: o.database },
            ResultReuseConfiguration: {
              ResultReuseByAgeConfiguration: { Enabled: true, MaxAgeInMinutes: o.reuseMaxAgeMinutes ?? RESULT_REUSE_MAX_AGE_MINUTES },
            },
          }),
        )
        .catch((error: Error) => {
          throw new EngineUnavailableError(`Athena did not start the query: ${error.name}: ${error.message}`);
        });
      const id = started.QueryExecutionId!;
      let delay: number = POLL.firstMs;
      for (;;) {
        const { QueryExecution: execution } = await o.client
          .send(new GetQueryExecutionCommand({ QueryExecutionId: id }))
          .catch((error: Error) => {
            throw new EngineUnavailableError(`Athena query ${id} could not be polled: ${error.name}: ${error.message}`);
          });
        const state = execution?.Status?.State;
        if (state === "SUCCEEDED") {
          engine.lastReused = execution?.Statistics?.ResultReuseInformation?.ReusedPreviousResult === true;
          return readAll(o.client, id).catch((error: Error) => {
            throw new EngineUnavailableError(`Athena results of ${id} could not be read: ${error.name}: ${error.message}`);
          });
        }
        if (state === "FAILED" || state === "CANCELLED")
          throw new EngineUnavailableError(`Athena query ${id} ${state}: ${execution?.Status?.StateChangeReason ?? "no reason given"}`);
        if (o.remainingMs() < delay + ANSWER_MARGIN_MS) {
          // Stop it, so a query nobody waits for any more is not billed to the end.
          await o.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
          throw new EngineUnavailableError(`Athena query ${id} was still ${state} when the request's time ran out; it was stopped`);
        }
        await o.sleep(delay);
        delay = Math.min(delay * 2, POLL.maxMs);
      }
    },
  };
  return engine;
}
