/**
 * `npm run local:query -- "<SQL>"`: runs one SQL statement with DuckDB over local mode's archive
 * (view `events`, duplicates removed) and prints a table. Works whether or not `npm start` runs.
 */

import { parseCommandLine, runCli, UsageError } from "../lib/cli";
import { archivePaths } from "./archive-paths";
import { formatTable, openArchiveQuery, QueryError } from "./archive-query";
import { dataDirFrom } from "./settings";

export const QUERY_USAGE = `Usage: npm run local:query -- "<SQL>" [--json]

Runs one SQL statement with DuckDB over local mode's archive, the Parquet files under
<data dir>/archive/events/dt=YYYY-MM-DD/ (LIVEINSIGHT_DATA_DIR, default .liveinsight), and prints
the result as a table. Query the view \`events\`: one row per event (duplicates the stream
delivered twice are removed), one column per Events attribute plus \`dt\`, the UTC day as text.
Filter on dt to read only those days. \`npm start\` archives new events every batching window.

Examples
  npm run local:query -- "select count(*) from events"
  npm run local:query -- "select dt, count(*) as pageviews from events where event_type = 'page_view' group by dt order by dt"

Options
  --json        one JSON array per row instead of a table
  -h, --help    this text
`;

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, { json: { type: "boolean" } }, true);
  if (parsed.help) {
    process.stdout.write(QUERY_USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1 || parsed.positionals[0].trim() === "")
    throw new UsageError('Pass one SQL statement in quotes, e.g. npm run local:query -- "select count(*) from events".');
  const directory = archivePaths(dataDirFrom(process.env)).archive;
  const engine = await openArchiveQuery(directory);
  try {
    const result = await engine.query(parsed.positionals[0]);
    if (parsed.values.json) for (const row of result.rows) process.stdout.write(`${JSON.stringify(row)}\n`);
    else process.stdout.write(`${formatTable(result)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof QueryError) {
      process.stderr.write(
        `local:query: DuckDB refused the query: ${error.message}\n(the archive is ${directory}; the view is \`events\`)\n`,
      );
      return 1;
    }
    throw error;
  } finally {
    engine.close();
  }
}

if (require.main === module) void runCli("local:query", main);
