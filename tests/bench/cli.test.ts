import { expect } from "chai";
import { UsageError } from "../../lib/cli";
import { main, parseArgs } from "./run";

describe("npm run bench: options", () => {
  it("answers --help without running anything", async () => {
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      expect(await main(["--help"])).to.equal(0);
    } finally {
      process.stdout.write = write;
    }
    expect(written.join("")).to.match(/^Usage: npm run bench -- \[--json <file>\] \[--quick\]\n/);
  });

  it("parses --json and --quick, and refuses an unknown flag or a missing value with one sentence", () => {
    expect(parseArgs(["--quick", "--json", "out/b.json"])).to.deep.equal({ help: false, json: "out/b.json", quick: true });
    expect(parseArgs([])).to.deep.equal({ help: false, json: undefined, quick: false });
    expect(() => parseArgs(["--fast"])).to.throw(UsageError, "Unknown option --fast. Run with --help for the list of options.");
    expect(() => parseArgs(["--json"])).to.throw(UsageError, "--json needs a value.");
  });
});
