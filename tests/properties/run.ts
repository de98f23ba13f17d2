/** `npm run test:properties -- [--runs N] [--seed S]`: the session property suite with more generated cases. */
import { spawnSync } from "node:child_process";
import { numberOption, parseCommandLine, runCli } from "../../lib/cli";

const HELP = `Usage: npm run test:properties -- [--runs N] [--seed S]

Runs tests/properties/ (generated browser deliveries against dynalite) and prints the case count.
  --runs N   generated cases (default 200; npm test runs 40)
  --seed S   fast-check seed, to replay a reported failure
`;

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommandLine(argv, { runs: { type: "string" }, seed: { type: "string" } });
  if (parsed.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const runs = numberOption(parsed.values, "runs", { min: 1, max: 100_000, integer: true }, 200);
  const seed = numberOption(parsed.values, "seed", { min: -(2 ** 31), max: 2 ** 31 - 1, integer: true });
  const env = {
    ...process.env,
    PROPERTY_RUNS: String(runs),
    PROPERTY_REPORT: "1",
    ...(seed === undefined ? {} : { PROPERTY_SEED: String(seed) }),
  };
  const mocha = spawnSync(process.execPath, [require.resolve("mocha/bin/mocha.js"), "tests/properties/**/*.test.ts"], {
    stdio: "inherit",
    env,
  });
  return mocha.status ?? 1;
}

void runCli("test:properties", main);
