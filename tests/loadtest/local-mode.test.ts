import { DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defaultDeps, main, type MainDeps } from "../../scripts/loadtest/main";
import { LocalMode, startLocalMode } from "../support/local-mode";

async function countEvents(endpoint: string): Promise<number> {
  const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "t", secretAccessKey: "t" } });
  let count = 0;
  let start: Record<string, any> | undefined;
  do {
    const out = await client.send(new ScanCommand({ TableName: "LiveInsight-local-Events", Select: "COUNT", ExclusiveStartKey: start }));
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  client.destroy();
  return count;
}

describe("load test against real local mode (short)", function () {
  this.timeout(60_000);
  let local: LocalMode;
  before(async () => (local = await startLocalMode()));
  after(async () => local?.stop());

  it("runs 3 s of realistic batched traffic with 100% success, and every acknowledged event is stored", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "lt-")), "run.json");
    const stderr: string[] = [];
    const deps: MainDeps = {
      ...defaultDeps,
      stdout: () => undefined,
      stderr: { write: (t: string) => stderr.push(t), isTTY: false },
      exec: async () => { throw new Error("no pulumi here"); },
      cloudWatchClient: () => { throw new Error("no CloudWatch in tests"); },
    };
    const code = await main(["--url", `${local.apiUrl}/events`, "--duration", "3", "--concurrency", "4", "--batch", "5", "--sessions", "20", "--slo-success", "1", "--json", file], deps);
    const result = JSON.parse(readFileSync(file, "utf8"));
    expect(code).to.equal(0);
    expect(result.success_rate).to.equal(1);
    expect(Object.keys(result.statuses)).to.deep.equal(["200"]);
    expect(result.requests).to.be.greaterThan(5);
    expect(result.events).to.equal(result.requests * 5);
    expect(await countEvents(local.dynamodbEndpoint)).to.equal(result.events);
    expect(stderr.join("")).to.match(/\[\s+1s\] requests \d+/);
  });
});
