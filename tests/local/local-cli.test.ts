/**
 * The local commands as a user runs them: `npm start -- --help`, bad flags and variables, a second
 * instance on the same data directory, ports in use, `local:scan` and `local:reset`.
 */

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { type LocalProcess, runRepoCommand, startLocalMode } from "../support/local-process";

const start = (args: string[], env: Record<string, string> = {}) =>
  runRepoCommand("local/start.ts", args, { DYNAMODB_ENDPOINT: "", ...env });

async function occupiedPort(): Promise<{ port: number; close(): void }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
}

describe("local mode commands", function () {
  this.timeout(60_000);
  const root = mkdtempSync(path.join(os.tmpdir(), "li-cli-"));
  after(() => rmSync(root, { recursive: true, force: true }));

  it("npm start -- --help prints the usage and starts nothing", async () => {
    const dataDir = path.join(root, "help");
    const result = await start(["--help"], { LIVEINSIGHT_DATA_DIR: dataDir });
    expect(result.code).to.equal(0);
    expect(result.stdout).to.match(/^Usage: npm start \[-- --quiet \| --json-logs\]\n/);
    expect(result.stdout).to.include("LIVEINSIGHT_DATA_DIR");
    expect(result.stderr).to.equal("");
  });

  it("rejects an unknown flag, a bad port and a bad DYNAMODB_ENDPOINT with one sentence and exit 2", async () => {
    const results = await Promise.all([
      start(["--verbose"]),
      start([], { PORT: "http" }),
      start([], { DYNAMODB_ENDPOINT: "127.0.0.1:8000" }),
    ]);
    expect(results.map((r) => [r.code, r.stderr])).to.deep.equal([
      [2, "liveinsight: Unknown option --verbose. Run with --help for the list of options.\n"],
      [2, 'liveinsight: PORT must be a port number from 0 to 65535; got "http".\n'],
      [2, 'liveinsight: DYNAMODB_ENDPOINT must be an http(s) URL such as http://127.0.0.1:8000; got "127.0.0.1:8000".\n'],
    ]);
  });

  it("names PORT or DYNAMODB_PORT when the port is taken, and leaves no lock behind", async () => {
    const taken = await occupiedPort();
    try {
      const dataDir = path.join(root, "ports");
      const api = await start([], { LIVEINSIGHT_DATA_DIR: dataDir, PORT: String(taken.port), DYNAMODB_PORT: "0" });
      const dynamo = await start([], { LIVEINSIGHT_DATA_DIR: dataDir, PORT: "0", DYNAMODB_PORT: String(taken.port) });
      expect([api.code, api.stderr.trim().split("\n").pop()]).to.deep.equal([
        1,
        `liveinsight: PORT ${taken.port} is not available on 127.0.0.1 (EADDRINUSE): another program uses it; stop it or set PORT to a free port (0 picks one).`,
      ]);
      expect([dynamo.code, dynamo.stderr.trim().split("\n").pop()]).to.deep.equal([
        1,
        `liveinsight: DYNAMODB_PORT ${taken.port} is not available on 127.0.0.1 (EADDRINUSE): another program uses it; stop it or set DYNAMODB_PORT to a free port (0 picks one).`,
      ]);
      expect(existsSync(path.join(dataDir, "instance.lock"))).to.equal(false);
    } finally {
      taken.close();
    }
  });

  it("names DYNAMODB_ENDPOINT when nothing answers there", async () => {
    const closed = await occupiedPort();
    closed.close();
    const run = await start([], { PORT: "0", DYNAMODB_ENDPOINT: `http://127.0.0.1:${closed.port}` });
    expect([run.code, run.stderr]).to.deep.equal([
      1,
      `liveinsight: Could not reach DYNAMODB_ENDPOINT http://127.0.0.1:${closed.port} (ECONNREFUSED); start that server, or unset DYNAMODB_ENDPOINT to use dynalite.\n`,
    ]);
  });

  it("refuses a second instance on the same data directory, naming the first one's PID", async () => {
    const dataDir = path.join(root, "twice");
    const first: LocalProcess = await startLocalMode(dataDir);
    try {
      const second = await start([], { LIVEINSIGHT_DATA_DIR: dataDir, PORT: "0", DYNAMODB_PORT: "0" });
      expect([second.code, second.stderr]).to.deep.equal([
        1,
        `liveinsight: Another local mode (PID ${first.child.pid}) is using ${dataDir}; stop it first, or set LIVEINSIGHT_DATA_DIR to another directory.\n`,
      ]);
      const reset = await runRepoCommand("local/reset.ts", [], { LIVEINSIGHT_DATA_DIR: dataDir });
      expect([reset.code, reset.stderr]).to.deep.equal([
        1,
        `local:reset: Another local mode (PID ${first.child.pid}) is using ${dataDir}; stop it first, or set LIVEINSIGHT_DATA_DIR to another directory.\n`,
      ]);
    } finally {
      expect(await first.stop("SIGTERM")).to.equal(0);
    }
  });

  it("starts on a data directory whose previous instance was killed with SIGKILL", async () => {
    const dataDir = path.join(root, "stale");
    const first = await startLocalMode(dataDir);
    expect(await first.stop("SIGKILL")).to.equal(null);
    const second = await startLocalMode(dataDir);
    expect(await second.stop("SIGTERM")).to.equal(0);
  });

  it("local:scan prints stored items as plain JSON lines, with or without a running instance", async () => {
    const dataDir = path.join(root, "scan");
    const local = await startLocalMode(dataDir);
    const body = {
      event_type: "page_view",
      event_id: "evt-scan-1",
      session_id: "sess-scan",
      timestamp: Date.now(),
      page_url: "https://example.com/scan",
    };
    expect(
      (await fetch(local.eventsUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }))
        .status,
    ).to.equal(200);
    const env = { LIVEINSIGHT_DATA_DIR: dataDir, DYNAMODB_ENDPOINT: "", AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_PROFILE: "" };
    const running = await runRepoCommand("local/scan.ts", ["Events"], env);
    expect(await local.stop("SIGTERM")).to.equal(0);
    const stopped = await runRepoCommand("local/scan.ts", ["sessions", "--limit", "5"], env);
    expect([running.code, running.stderr]).to.deep.equal([0, "1 item in LiveInsight-local-Events\n"]);
    const event = JSON.parse(running.stdout);
    expect([event.event_id, event.session_id, event.page_url, event.timestamp]).to.deep.equal([
      "evt-scan-1",
      "local#sess-scan", // stored under its site (docs/sites.md)
      body.page_url,
      body.timestamp,
    ]);
    expect([stopped.code, stopped.stderr, JSON.parse(stopped.stdout).session_id]).to.deep.equal([
      0,
      "1 item in LiveInsight-local-Sessions\n",
      "local#sess-scan", // stored under its site (docs/sites.md)
    ]);
  });

  it("local:scan rejects an unknown table and a missing one", async () => {
    const [unknown, missing] = await Promise.all([runRepoCommand("local/scan.ts", ["Users"]), runRepoCommand("local/scan.ts", [])]);
    expect([unknown.code, unknown.stderr]).to.deep.equal([
      2,
      'local:scan: Unknown table "Users"; pick one of Events, Sessions, ActiveSessions.\n',
    ]);
    expect([missing.code, missing.stderr]).to.deep.equal([2, "local:scan: Name one table to scan: Events, Sessions, ActiveSessions.\n"]);
  });

  it("local:scan says to start local mode first when there is no data, and creates nothing", async () => {
    const absent = path.join(root, "never-started");
    const none = await runRepoCommand("local/scan.ts", ["Events"], { LIVEINSIGHT_DATA_DIR: absent, DYNAMODB_ENDPOINT: "" });
    expect([none.code, none.stderr]).to.deep.equal([
      1,
      `local:scan: No local data in ${absent} yet: run \`npm start\` once (it creates the tables), then scan again.\n`,
    ]);
    expect(existsSync(absent)).to.equal(false);
    const empty = path.join(root, "no-tables");
    mkdirSync(empty, { recursive: true });
    const tableless = await runRepoCommand("local/scan.ts", ["Events"], { LIVEINSIGHT_DATA_DIR: empty, DYNAMODB_ENDPOINT: "" });
    expect([tableless.code, tableless.stderr]).to.deep.equal([
      1,
      `local:scan: LiveInsight-local-Events does not exist. No local data in ${empty} yet: run \`npm start\` once (it creates the tables), then scan again.\n`,
    ]);
  });

  it("local:reset deletes the data directory, and refuses one holding other files", async () => {
    const dataDir = path.join(root, "reset");
    mkdirSync(path.join(dataDir, "dynalite"), { recursive: true });
    const done = await runRepoCommand("local/reset.ts", [], { LIVEINSIGHT_DATA_DIR: dataDir });
    expect([done.code, done.stdout]).to.deep.equal([0, `Deleted ${dataDir}; the next npm start begins with empty tables.\n`]);
    const again = await runRepoCommand("local/reset.ts", [], { LIVEINSIGHT_DATA_DIR: dataDir });
    expect([again.code, again.stdout]).to.deep.equal([0, `Nothing to reset: ${dataDir} does not exist.\n`]);
    const precious = path.join(root, "home");
    mkdirSync(precious);
    writeFileSync(path.join(precious, "notes.txt"), "keep me");
    const refused = await runRepoCommand("local/reset.ts", [], { LIVEINSIGHT_DATA_DIR: precious });
    expect([refused.code, refused.stderr]).to.deep.equal([
      2,
      `local:reset: ${precious} holds files local mode did not create (notes.txt); delete it yourself if you mean it.\n`,
    ]);
  });
});
