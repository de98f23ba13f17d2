/** What /stats needs from a query engine: one SQL text in, text cells out (DuckDB locally, Athena on AWS). */
import type { RawTable } from "./results";

export interface StatsEngine {
  /** Runs `sql` (over the relation the engine was built for) and returns every row. */
  run(sql: string): Promise<RawTable>;
}

/** The engine could not answer (Athena failed or timed out, DuckDB errored): a 503 the client may retry. */
export class EngineUnavailableError extends Error {
  readonly name = "EngineUnavailableError";
}
