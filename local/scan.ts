/**
 * `npm run local:scan -- <table> [--limit N]`: prints a local table's items, one JSON object per
 * line (plain values, not DynamoDB's {"S": …} form), then a count on stderr. Needs no AWS
 * credentials and works whether or not `npm start` is running.
 */
import { existsSync } from "node:fs";
import { TABLE_SCHEMAS, tableName } from "../contracts/tables";
import { numberOption, parseCommandLine, runCli, UsageError } from "../lib/cli";
import { dataDirFrom, LOCAL_STACK } from "./settings";
import { scanItems, withLocalStore } from "./store-access";

const TABLES = TABLE_SCHEMAS.map((schema) => schema.logicalName);

export const SCAN_USAGE = `Usage: npm run local:scan -- <${TABLES.join(" | ")}> [--limit <n>]

Prints the items of a local-mode table (LiveInsight-local-<table>), one JSON object per line.
Reads the running instance's data, or the data directory directly when none is running
(LIVEINSIGHT_DATA_DIR, default .liveinsight; DYNAMODB_ENDPOINT to read another server).
`;

function tableFor(word: string): string {
  const schema = TABLE_SCHEMAS.find((s) => s.logicalName.toLowerCase() === word.toLowerCase() || tableName(LOCAL_STACK, s) === word);
  if (!schema) throw new UsageError(`Unknown table "${word}"; pick one of ${TABLES.join(", ")}.`);
  return tableName(LOCAL_STACK, schema);
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, { limit: { type: "string" } }, true);
  if (parsed.help) {
    process.stdout.write(SCAN_USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1) throw new UsageError(`Name one table to scan: ${TABLES.join(", ")}.`);
  const table = tableFor(parsed.positionals[0]);
  const limit = numberOption(parsed.values, "limit", { min: 1, max: Number.MAX_SAFE_INTEGER, integer: true }, Infinity);
  const dataDir = dataDirFrom(process.env);
  const noData = `No local data in ${dataDir} yet: run \`npm start\` once (it creates the tables), then scan again.`;
  // Opening a directory that does not exist would create an empty store there: refuse instead.
  if (!process.env.DYNAMODB_ENDPOINT && !existsSync(dataDir)) throw new Error(noData);
  const count = await withLocalStore(dataDir, process.env, async (client) => {
    let printed = 0;
    try {
      for await (const item of scanItems(client, table)) {
        if (printed >= limit) break;
        process.stdout.write(`${JSON.stringify(item)}\n`);
        printed++;
      }
    } catch (error) {
      if ((error as Error).name === "ResourceNotFoundException") throw new Error(`${table} does not exist. ${noData}`);
      throw error;
    }
    return printed;
  });
  process.stderr.write(`${count} item${count === 1 ? "" : "s"} in ${table}\n`);
  return 0;
}

if (require.main === module) void runCli("local:scan", main);
