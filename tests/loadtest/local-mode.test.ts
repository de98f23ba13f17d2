import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
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

describe("npm run loadtest -- --local beside a user's own local mode", function () {
  this.timeout(90_000);
  const userDir = mkdtempSync(path.join(tmpdir(), "lt-user-"));
  let user: LocalProcess;
  before(async () => (user = await startLocalMode(userDir)));
  after(async () => {
    await user?.stop("SIGTERM");
    rmSync(userDir, { recursive: true, force: true });
  });

  it("loads a throwaway instance, removes its data after, and leaves the user's /realtime with only the real page", async () => {
    const real = { event_type: "page_view", event_id: "evt-real", session_id: "sess-real", page_url: "https://example.com/real" };
    const posted = await fetch(user.eventsUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(real),
    });
    expect(posted.status).to.equal(200);
    const file = path.join(mkdtempSync(path.join(tmpdir(), "lt-")), "run.json");
    const stderr: string[] = [];
    const deps: MainDeps = { ...defaultDeps, stdout: () => undefined, stderr: { write: (t: string) => stderr.push(t), isTTY: false } };
    const code = await main(["--local", "--duration", "2", "--concurrency", "2", "--batch", "5", "--quiet", "--json", file], deps);
    const result = JSON.parse(readFileSync(file, "utf8"));
    expect([code, Object.keys(result.statuses)]).to.deep.equal([0, ["200"]]);
    expect(result.requests).to.be.greaterThan(0);
    const started = /^loadtest: started a throwaway local mode at (http:\S+) \(data in (\S+), removed after the run\)\n$/.exec(stderr[0]);
    expect(started, stderr.join("")).to.not.equal(null);
    expect(started![1]).to.not.equal(user.eventsUrl);
    expect(existsSync(started![2])).to.equal(false);
    const realtime = (await (await fetch(user.realtimeUrl)).json()) as { active_sessions: number; top_pages: unknown[] };
    expect([realtime.active_sessions, realtime.top_pages]).to.deep.equal([1, [{ page_url: real.page_url, sessions: 1 }]]);
  });
});
