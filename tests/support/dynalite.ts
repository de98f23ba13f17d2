// In-memory dynalite lives with the tools (the bench runs on it too); tests use the same one.
import { type TableNames, tableEnv } from "../../contracts/tables";
import { type FunctionEnv, readEnv } from "../../functions/shared/env";
import { type InMemoryDynamo, startDynamo } from "../../scripts/lib/dynalite-memory";

export { type InMemoryDynamo as TestDynamo, startDynamo } from "../../scripts/lib/dynalite-memory";

export interface SuiteDynamo {
  readonly dynamo: InMemoryDynamo;
  readonly tables: TableNames;
}

/** Mocha hooks for the enclosing describe: one dynalite server and one fresh set of tables. */
export function useDynamo(): SuiteDynamo {
  const suite = {} as { dynamo: InMemoryDynamo; tables: TableNames };
  before(async () => {
    suite.dynamo = await startDynamo();
    suite.tables = await suite.dynamo.freshTables();
  });
  after(async () => suite.dynamo.close());
  return suite;
}

/** Both functions' environment on the suite's tables, as Lambda would pass it, plus `extra`. */
export function functionEnvOn(suite: SuiteDynamo, extra: Record<string, string>): FunctionEnv {
  return readEnv({ ...tableEnv(suite.tables), DYNAMODB_ENDPOINT: suite.dynamo.endpoint, ...extra }, [
    "events",
    "sessions",
    "activeSessions",
  ]);
}
