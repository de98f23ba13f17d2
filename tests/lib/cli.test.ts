import { spawn } from "node:child_process";
import path from "node:path";
import { expect } from "chai";
import { numberOption, parseCommandLine, UsageError, urlOption } from "../../lib/cli";

const options = { url: { type: "string" }, quiet: { type: "boolean" }, runs: { type: "string" } } as const;

describe("lib/cli", () => {
  it("answers --help and -h before validating anything else", () => {
    expect(parseCommandLine(["--help"], options)).to.deep.equal({ help: true });
    expect(parseCommandLine(["-h", "--runs", "x"], options)).to.deep.equal({ help: true });
  });

  it("rejects an unknown flag with one sentence naming it", () => {
    expect(() => parseCommandLine(["--nope"], options)).to.throw(
      UsageError,
      "Unknown option --nope. Run with --help for the list of options.",
    );
  });

  it("rejects a stray positional word", () => {
    expect(() => parseCommandLine(["stray"], options)).to.throw(
      UsageError,
      "Unexpected argument stray. Options start with --; run with --help for the list.",
    );
  });

  it("rejects a missing value and a value given to a flag", () => {
    expect(() => parseCommandLine(["--url"], options)).to.throw(UsageError, "--url needs a value.");
    expect(() => parseCommandLine(["--quiet=yes"], options)).to.throw(UsageError, "--quiet is a flag and takes no value.");
  });

  it("parses numbers within a range and names the option when out of range", () => {
    const parsed = parseCommandLine(["--runs", "12"], options);
    if (parsed.help) throw new Error("unexpected help");
    expect(numberOption(parsed.values, "runs", { min: 1, max: 100, integer: true }, 5)).to.equal(12);
    expect(numberOption({}, "runs", { min: 1, max: 100 }, 5)).to.equal(5);
    expect(() => numberOption({ runs: "0" }, "runs", { min: 1, max: 100 })).to.throw(
      UsageError,
      "--runs must be between 1 and 100; got 0.",
    );
    expect(() => numberOption({ runs: "1.5" }, "runs", { min: 1, max: 100, integer: true })).to.throw(
      UsageError,
      '--runs must be an integer; got "1.5".',
    );
  });

  it("accepts only absolute http(s) URLs", () => {
    expect(urlOption({ url: "http://127.0.0.1:3000/events" }, "url", "http://127.0.0.1:3000/events")).to.equal(
      "http://127.0.0.1:3000/events",
    );
    expect(() => urlOption({ url: "127.0.0.1:3000" }, "url", "http://x/")).to.throw(UsageError, "--url must");
    expect(() => urlOption({ url: "ftp://x/" }, "url", "http://x/")).to.throw(
      UsageError,
      '--url must use http or https; got "ftp:" in "ftp://x/".',
    );
  });

  it("ends quietly with the tool's code when the reader closes the pipe early (`--help | head`)", async () => {
    const script = `require("./lib/cli").runCli("t", async () => { for (let i = 0; i < 64; i++) process.stdout.write("x".repeat(65536)); return 0; })`;
    const child = spawn(process.execPath, ["--import", "tsx", "-e", script], { cwd: path.resolve(__dirname, "../..") });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect({ code, stderr }).to.deep.equal({ code: 0, stderr: "" });
  });
});
