// `npm run soak`: its arguments, its verdict, and whole runs as a user starts them.

import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { UsageError } from "../../lib/cli";
import { ensureTables } from "../../local/tables";
import { startDynamo, type TestDynamo } from "../support/dynalite";
import { runRepoCommand } from "../support/local-process";
import { parseSoakArgs, verdict } from "./run";

const noLocal = { LIVEINSIGHT_DATA_DIR: "/nonexistent/liveinsight-soak-test" };

describe("soak", function () {
  this.timeout(60_000);

  describe("arguments", () => {
    const fails = (argv: string[], message: string) => expect(() => parseSoakArgs(argv, noLocal)).to.throw(UsageError, message);

    it("defaults to 60 s with 50 clients against a fresh local mode", () => {
      expect(parseSoakArgs([], noLocal)).to.deep.equal({
        durationS: 60,
        concurrency: 50,
        site: "local",
        url: undefined,
        dynamodbEndpoint: undefined,
      });
    });

    it("takes the load tester's --url with the store's endpoint", () => {
      expect(
        parseSoakArgs(
          [
            "--url",
            "http://127.0.0.1:3000/events",
            "--dynamodb-endpoint",
            "http://127.0.0.1:8000",
            "--duration",
            "5",
            "--concurrency",
            "3",
          ],
          noLocal,
        ),
      ).to.deep.equal({
        durationS: 5,
        concurrency: 3,
        site: "local",
        url: "http://127.0.0.1:3000/events",
        dynamodbEndpoint: "http://127.0.0.1:8000",
      });
    });

    it("answers --help before anything else", () => {
      expect(parseSoakArgs(["--duration", "x", "--help"], noLocal)).to.equal("help");
    });

    it("rejects unknown flags, bad values and half a target with one sentence", () => {
      fails(["--duraton", "5"], "Unknown option --duraton. Run with --help for the list of options.");
      fails(["--duration", "0"], "--duration must be between 1 and 86400; got 0.");
      fails(["--concurrency", "2.5"], '--concurrency must be an integer; got "2.5".');
      fails(["--url", "not a url"], '--url must be an absolute http(s) URL such as http://127.0.0.1:3000/events; got "not a url".');
      fails(
        ["--dynamodb-endpoint", "http://127.0.0.1:8000"],
        "--dynamodb-endpoint only applies with --url; without --url the soak starts its own local mode.",
      );
      fails(
        ["--url", "http://127.0.0.1:3000/events"],
        "--url needs --dynamodb-endpoint <url> (the store is scanned to prove the counts); no local mode is running on /nonexistent/liveinsight-soak-test to take it from.",
      );
    });
  });

  describe("verdict", () => {
    const result = { acknowledged: 10, stored: 10, missing: [] as string[], duplicated: [] as string[], unacknowledgedStored: 0 };
    it("passes only when something was acknowledged and everything acknowledged is stored once", () => {
      expect(verdict(result)).to.equal("stored == acknowledged");
      expect(verdict({ ...result, acknowledged: 0, stored: 0 })).to.equal("NOTHING ACKNOWLEDGED");
      expect(verdict({ ...result, missing: ["e1"] })).to.equal("MISMATCH");
      expect(verdict({ ...result, duplicated: ["e1"] })).to.equal("MISMATCH");
    });
  });

  describe("runs", () => {
    let dynamo: TestDynamo;
    before(async () => {
      dynamo = await startDynamo();
      await ensureTables(dynamo.client(), "local", () => undefined);
    });
    after(() => dynamo.close());

    it("--help prints the usage and starts no run", async () => {
      const run = await runRepoCommand("tests/soak/run.ts", ["--help"]);
      expect([run.code, run.stderr]).to.deep.equal([0, ""]);
      expect(run.stdout).to.match(/^Usage: npm run soak -- /);
    });

    it("fails with exit 1 when nothing was acknowledged (nothing listens at --url)", async () => {
      const closed = net.createServer();
      await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
      const port = (closed.address() as net.AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const url = `http://127.0.0.1:${port}/events`;
      const run = await runRepoCommand("tests/soak/run.ts", [
        "--url",
        url,
        "--dynamodb-endpoint",
        dynamo.endpoint,
        "--duration",
        "1",
        "--concurrency",
        "2",
      ]);
      expect(run.code).to.equal(1);
      const report = JSON.parse(run.stdout);
      expect([report.result, report.target, report.acknowledged_events, Object.keys(report.outcomes)]).to.deep.equal([
        "NOTHING ACKNOWLEDGED",
        url,
        0,
        ["network"],
      ]);
      expect(run.stderr).to.include(`soak: no request to ${url} was acknowledged`);
    });

    it("proves stored == acknowledged against a fresh local mode", async () => {
      const tmp = mkdtempSync(path.join(os.tmpdir(), "li-soak-"));
      try {
        const run = await runRepoCommand("tests/soak/run.ts", ["--duration", "2", "--concurrency", "4"], { TMPDIR: tmp });
        expect(run.code, run.stderr).to.equal(0);
        const report = JSON.parse(run.stdout);
        expect(report.result).to.equal("stored == acknowledged");
        expect(report.acknowledged_events).to.be.greaterThan(0);
        expect([report.missing, report.duplicated, report.stored_events - report.unacknowledged_but_stored]).to.deep.equal([
          0,
          0,
          report.acknowledged_events,
        ]);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  });
});
