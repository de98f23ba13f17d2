/**
 * The stats function as the stack ships it: one esbuild file with dashboard.html and login.html
 * beside it, loaded as Lambda loads it, the key read from a Secrets Manager endpoint on loopback
 * (AWS_ENDPOINT_URL_SECRETS_MANAGER, the SDK's service-specific endpoint variable).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { buildFunctionBundle } from "../../components/bundle";
import { dashboardPage } from "../../components/dashboard-asset";
import { redirectRequestLines } from "../../functions/shared/logger";

const KEY = "bundle-test-key-0123456789abcdefghijklmnopq";

describe("stats function bundle", function () {
  this.timeout(60_000);
  let dir: string;
  let secrets: http.Server;
  const requests: { target?: string; body: string }[] = [];
  const saved = { ...process.env };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "li-stats-bundle-"));
    secrets = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        requests.push({ target: req.headers["x-amz-target"] as string, body });
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify({ Name: "LiveInsight-test-stats-key", SecretString: KEY }));
      });
    });
    await new Promise<void>((resolve) => secrets.listen(0, "127.0.0.1", resolve));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(secrets.address() as AddressInfo).port}`,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: "us-east-1",
      ACTIVE_SESSIONS_TABLE: "LiveInsight-test-ActiveSessions",
      ENVIRONMENT: "test",
      HOT_RETENTION_DAYS: "7",
      STATS_RETENTION_DAYS: "90",
      AWS_MAX_ATTEMPTS: "2",
      AWS_RETRY_MODE: "standard",
      TRUSTED_PROXY_HOPS: "0",
      REALTIME_PEAK_WRITE_UNITS: "1000",
      SITES: "[]",
      DEFAULT_SITE: "",
      STATS_KEY_SECRET: "LiveInsight-test-stats-key",
      ATHENA_WORKGROUP: "LiveInsight-test",
      ATHENA_DATABASE: "liveinsight_test",
      ATHENA_TABLE: "events",
    });
  });
  after(async () => {
    process.env = saved;
    await new Promise((resolve) => secrets.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the key form without the key and the page with it, reading the secret once (cached)", async () => {
    const page = dashboardPage();
    writeFileSync(path.join(dir, "index.js"), buildFunctionBundle("functions/stats.ts"));
    writeFileSync(path.join(dir, "dashboard.html"), page.app);
    writeFileSync(path.join(dir, "login.html"), page.login);
    const lines: string[] = [];
    // The symbol-registry redirect reaches the bundle's own copy of the logger too.
    const restore = redirectRequestLines((text) => lines.push(text));
    try {
      const { handler } = require(path.join(dir, "index.js"));
      const call = (headers: Record<string, string>) =>
        handler(
          { rawPath: "/dashboard", headers, requestContext: { http: { method: "GET" }, requestId: "r" } },
          { awsRequestId: "a", getRemainingTimeInMillis: () => 29_000 },
        );
      const without = await call({});
      const withKey = await call({ authorization: `Bearer ${KEY}` });
      expect([without.statusCode, without.body]).to.deep.equal([401, page.login]);
      expect([withKey.statusCode, withKey.body]).to.deep.equal([200, page.app]);
    } finally {
      restore();
    }
    expect(requests.map((r) => [r.target, JSON.parse(r.body)])).to.deep.equal([
      ["secretsmanager.GetSecretValue", { SecretId: "LiveInsight-test-stats-key" }],
    ]);
    expect(lines.join("")).not.to.include(KEY);
    expect(lines.map((l) => JSON.parse(l).status)).to.deep.equal([401, 200]);
  });
});
