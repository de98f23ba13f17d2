import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { buildFunctionBundle, bundleFunction, REPO_ROOT } from "../../components/bundle";
import { scanAll } from "../support/collector";
import { stackFunctionEnv, startDynamo, type TestDynamo } from "../support/dynalite";

const run = promisify(execFile);
const ENTRIES = ["functions/collector.ts", "functions/realtime.ts"];
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Loads a bundle in a plain `node` child (no tsx, no repo on the module path) and invokes its
 * handler once; the handler's own log line and the result come back on stdout.
 */
const DRIVER = `
const { handler } = require(process.argv[1]);
handler(JSON.parse(process.env.TEST_EVENT), { awsRequestId: "req-bundle", getRemainingTimeInMillis: () => 10000 })
  .then((result) => process.stdout.write("RESULT " + JSON.stringify(result) + "\\n"));
`;

async function invokeBundle(file: string, env: Record<string, string>, event: object) {
  const { stdout } = await run(process.execPath, ["-e", DRIVER, file], {
    cwd: path.dirname(file),
    env: { PATH: process.env.PATH ?? "", ...env, TEST_EVENT: JSON.stringify(event) },
    timeout: 20_000,
  });
  const lines = stdout.trim().split("\n");
  const result = lines.find((l) => l.startsWith("RESULT "));
  expect(result, stdout).to.be.a("string");
  return { result: JSON.parse(result!.slice("RESULT ".length)), logs: lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l)) };
}

function apiEvent(method: string, rawPath: string, body?: object) {
  const now = Date.now();
  return {
    version: "2.0",
    routeKey: `${method} ${rawPath}`,
    rawPath,
    rawQueryString: "",
    headers: { "content-type": "application/json", "user-agent": "bundle-test/1.0" },
    requestContext: {
      accountId: "123456789012",
      apiId: "bundletest",
      domainName: "bundletest.execute-api.us-east-1.amazonaws.com",
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.7", userAgent: "bundle-test/1.0" },
      requestId: `req-${method}`,
      routeKey: `${method} ${rawPath}`,
      stage: "$default",
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    isBase64Encoded: false,
  };
}

describe("components/bundle", () => {
  for (const entry of ENTRIES) {
    it(`bundles ${entry} to byte-identical output on every build`, () => {
      const first = buildFunctionBundle(entry);
      const second = buildFunctionBundle(entry);
      expect(sha256(second)).to.equal(sha256(first));
      expect(bundleFunction(entry)).to.equal(first);
      expect(bundleFunction(entry)).to.equal(bundleFunction(entry));
    });

    it(`bundles ${entry} minified, AWS SDK included, without absolute paths`, () => {
      const code = bundleFunction(entry);
      expect(code).not.to.include(REPO_ROOT);
      expect(code).not.to.include(os.tmpdir());
      // Bundled, not required from the runtime (one SDK error message quotes "[require(...)]").
      expect(code).not.to.match(/(?<!\[)require\("@(aws-sdk|smithy)\//);
      expect(code).to.include("DynamoDB");
      // Minified: no indentation-driven line structure left.
      expect(code.split("\n").length).to.be.lessThan(50);
    });
  }

  describe("in plain Node against dynalite", () => {
    let dynamo: TestDynamo;
    let dir: string;
    let env: Record<string, string>;

    before(async () => {
      dynamo = await startDynamo();
      const tables = await dynamo.freshTables();
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "liveinsight-bundle-"));
      for (const kind of ["collector", "realtime"]) {
        fs.mkdirSync(path.join(dir, kind));
        fs.writeFileSync(path.join(dir, kind, "index.js"), bundleFunction(`functions/${kind}.ts`));
      }
      env = stackFunctionEnv(tables, {
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "bundle-test",
        AWS_SECRET_ACCESS_KEY: "bundle-test",
        ENVIRONMENT: "bundle-test",
        HOT_RETENTION_DAYS: "30",
        AWS_MAX_ATTEMPTS: "2",
      });
    });

    after(async () => {
      await dynamo?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("the collector bundle answers POST /events with 200 and stores the event", async () => {
      const timestamp = Date.now() - 1000;
      const event = {
        event_type: "page_view",
        page_url: "https://www.example.com/",
        session_id: "sess_bundle_1",
        user_id: "user_bundle",
        event_id: "evt_bundle_1",
        timestamp,
      };
      const { result, logs } = await invokeBundle(path.join(dir, "collector", "index.js"), env, apiEvent("POST", "/events", event));

      expect(result.statusCode).to.equal(200);
      expect(JSON.parse(result.body)).to.deep.equal({
        message: "Event processed successfully",
        event_id: "evt_bundle_1",
        session_id: "sess_bundle_1",
      });
      expect(logs).to.have.length(1);
      expect(logs[0]).to.deep.include({
        level: "INFO",
        service: "collector",
        environment: "bundle-test",
        request_id: "req-bundle",
        cold_start: true,
        events: 1,
        status: 200,
      });

      const stored = await scanAll(dynamo.client(), env.EVENTS_TABLE);
      expect(stored.map((item) => [item.session_id, item.event_id, item.event_type])).to.deep.equal([
        ["local#sess_bundle_1", "evt_bundle_1", "page_view"], // stored under its site (docs/sites.md)
      ]);
    });

    it("the realtime bundle answers GET /realtime with 200 and sees the active session", async () => {
      const { result, logs } = await invokeBundle(path.join(dir, "realtime", "index.js"), env, apiEvent("GET", "/realtime"));
      expect(result.statusCode).to.equal(200);
      const body = JSON.parse(result.body);
      expect(body).to.deep.include({
        active_sessions: 1,
        active_users: 1,
        top_pages: [{ page_url: "https://www.example.com/", sessions: 1 }],
      });
      expect(logs[0]).to.deep.include({ service: "realtime", environment: "bundle-test", status: 200 });
    });
  });
});
