import type { AddressInfo } from "node:net";
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { DEFAULTS } from "../../config";
import { functionEnvironment, functionSettingsOf } from "../../contracts/function-env";
import { LOCAL_SITE } from "../../contracts/sites";
import { type TableNames, tableNamesFor } from "../../contracts/tables";
import { type FunctionEnv, readEnv } from "../../functions/shared/env";
import { ensureTables } from "../../local/tables";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export interface TestDynamo {
  endpoint: string;
  client(config?: Partial<DynamoDBClientConfig>): DynamoDBClient;
  /** Creates a fresh set of the three tables under a unique stack name. */
  freshTables(): Promise<TableNames>;
  close(): Promise<void>;
}

let counter = 0;

/** An in-memory dynalite server on a free loopback port: the real DynamoDB API, no network. */
export async function startDynamo(): Promise<TestDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: DynamoDBClient[] = [];
  const client = (config: Partial<DynamoDBClientConfig> = {}) => {
    const c = new DynamoDBClient({
      endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      ...config,
    });
    clients.push(c);
    return c;
  };
  const admin = client();
  return {
    endpoint,
    client,
    async freshTables() {
      const stack = `t${process.pid}x${++counter}`;
      await ensureTables(admin, stack, () => undefined);
      return tableNamesFor(stack);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface SuiteDynamo {
  readonly dynamo: TestDynamo;
  readonly tables: TableNames;
}

/** Mocha hooks for the enclosing describe: one dynalite server and one fresh set of tables. */
export function useDynamo(): SuiteDynamo {
  const suite = {} as { dynamo: TestDynamo; tables: TableNames };
  before(async () => {
    suite.dynamo = await startDynamo();
    suite.tables = await suite.dynamo.freshTables();
  });
  after(async () => suite.dynamo.close());
  return suite;
}

/**
 * The collector's environment (a superset of the realtime function's) as a stack with the default
 * settings (config.ts) writes it, on `tables`, plus `extra`: written by the one contract, so a new
 * setting reaches every test without touching it.
 */
export function stackFunctionEnv(tables: TableNames, extra: Record<string, string> = {}): Record<string, string> {
  // Local mode's site table (site `local`: every host, server senders, the default), so a test that is not about sites needs none.
  const settings = { ...functionSettingsOf(DEFAULTS), sites: [LOCAL_SITE], defaultSite: LOCAL_SITE.id };
  return { ...functionEnvironment("collector", "test", tables, settings), ...extra };
}

/** Both functions' environment on the suite's tables, as Lambda would pass it, plus `extra`. */
export function functionEnvOn(suite: SuiteDynamo, extra: Record<string, string>): FunctionEnv {
  return readEnv(stackFunctionEnv(suite.tables, { DYNAMODB_ENDPOINT: suite.dynamo.endpoint, ...extra }), [
    "events",
    "sessions",
    "activeSessions",
  ]);
}
