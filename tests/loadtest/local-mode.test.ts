import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { defaultDeps, type MainDeps, main } from "../../scripts/loadtest/main";
import { type LocalProcess, startLocalMode, storedEventIdCounts } from "../support/local-process";

describe("load test against real local mode (short)", function () {
  this.timeout(60_000);
  let local: LocalProcess;
  before(async () => (local = await startLocalMode(mkdtempSync(path.join(tmpdir(), "lt-local-")))));
  after(async () => local?.stop("SIGTERM"));

  it("runs 3 s of realistic batched traffic with 100% success, and every acknowledged event is stored", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "lt-")), "run.json");
    const stderr: string[] = [];
    const deps: MainDeps = {
      ...defaultDeps,
      stdout: () => undefined,
      stderr: { write: (t: string) => stderr.push(t), isTTY: false },
      exec: async () => {
        throw new Error("no pulumi here");
      },
      cloudWatchClient: () => expect.fail("no CloudWatch after a --url run"),
    };
    const code = await main(
      [
        "--url",
        `${local.apiUrl}/events`,
        "--duration",
        "3",
        "--concurrency",
        "4",
        "--batch",
        "5",
        "--sessions",
        "20",
        "--slo-success",
        "1",
        "--json",
        file,
      ],
      deps,
    );
    const result = JSON.parse(readFileSync(file, "utf8"));
    expect(code).to.equal(0);
    expect(result.success_rate).to.equal(1);
    expect(Object.keys(result.statuses)).to.deep.equal(["200"]);
    expect(result.requests).to.be.greaterThan(5);
    expect(result.events).to.equal(result.requests * 5);
    const stored = [...(await storedEventIdCounts(local.dynamodbEndpoint)).values()];
    expect([stored.length, stored.every((n) => n === 1)]).to.deep.equal([result.events, true]);
    expect(stderr.join("")).to.match(/\[\s+1s\] requests \d+/);
  });
});
