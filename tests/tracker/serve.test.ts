/**
 * GET /tracker.js (functions/tracker.ts): headers, gzip, ETag and 304, and the collector's Lambda
 * archive (functions/collector-edge.ts + tracker.js) serving it in plain Node.
 */

import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { expect } from "chai";
import { bundleFunction } from "../../components/bundle";
import { trackerAsset } from "../../components/tracker-asset";
import { trackerResult, withTracker } from "../../functions/tracker";
import { stackFunctionEnv } from "../support/dynalite";

const request = (method: string, headers: Record<string, string> = {}, rawPath = "/tracker.js") =>
  ({ rawPath, headers, requestContext: { http: { method } } }) as unknown as APIGatewayProxyEventV2;

describe("GET /tracker.js", () => {
  const asset = trackerAsset();

  it("serves the script uncompressed, long-cached, with its ETag", () => {
    expect(trackerResult(asset, request("GET"))).to.deep.equal({
      statusCode: 200,
      headers: {
        "content-type": "application/javascript; charset=utf-8",
        etag: asset.etag,
        "cache-control": "public, max-age=86400",
        vary: "accept-encoding",
      },
      body: asset.script,
      isBase64Encoded: false,
    });
  });

  it("serves the gzip form to a client that accepts it, under its own tag", () => {
    const result = trackerResult(asset, request("GET", { "accept-encoding": "gzip, deflate, br" }));
    expect(result.statusCode).to.equal(200);
    expect(result.headers).to.deep.include({ "content-encoding": "gzip", etag: `${asset.etag.slice(0, -1)}-gzip"` });
    expect(gunzipSync(Buffer.from(result.body!, "base64")).toString()).to.equal(asset.script);
  });

  it("answers a matching If-None-Match with 304 and no body, for either representation's tag", () => {
    for (const tag of [asset.etag, `${asset.etag.slice(0, -1)}-gzip"`, `W/${asset.etag}`, `"other", ${asset.etag}`, "*"]) {
      const result = trackerResult(asset, request("GET", { "if-none-match": tag }));
      expect(result.statusCode, tag).to.equal(304);
      expect(result.body).to.equal("");
      expect(result.headers).to.deep.include({ etag: asset.etag, "cache-control": "public, max-age=86400" });
    }
  });

  it("serves a stale tag the new script", () => {
    expect(trackerResult(asset, request("GET", { "if-none-match": '"an-older-build"' })).statusCode).to.equal(200);
  });

  it("answers other methods with 405 and an Allow header", () => {
    const result = trackerResult(asset, request("POST"));
    expect(result.statusCode).to.equal(405);
    expect(result.headers).to.deep.include({ allow: "GET, HEAD" });
    expect(JSON.parse(result.body!).error).to.equal("MethodNotAllowed");
  });

  it("withTracker passes every other path to the wrapped handler", async () => {
    const seen: string[] = [];
    const handler = withTracker(async (e) => (seen.push(e.rawPath), { statusCode: 204 }), asset);
    expect((await handler(request("POST", {}, "/events"), {} as never)).statusCode).to.equal(204);
    expect((await handler(request("GET"), {} as never)).statusCode).to.equal(200);
    expect(seen).to.deep.equal(["/events"]);
  });

  it("the collector's Lambda archive serves the tracker from the tracker.js beside index.js", async function () {
    this.timeout(30_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liveinsight-edge-"));
    try {
      fs.writeFileSync(path.join(dir, "index.js"), bundleFunction("functions/collector-edge.ts"));
      fs.writeFileSync(path.join(dir, "tracker.js"), asset.script);
      const driver = `require("./index.js").handler(JSON.parse(process.env.EVENT), {}).then((r) => console.log("RESULT " + JSON.stringify(r)))`;
      const env = {
        PATH: process.env.PATH ?? "",
        ...stackFunctionEnv({ events: "E", sessions: "S", activeSessions: "A" }, { ENVIRONMENT: "t" }),
        AWS_REGION: "us-east-1",
        EVENT: JSON.stringify(request("GET")),
      };
      const { stdout } = await promisify(execFile)(process.execPath, ["-e", driver], { cwd: dir, env });
      const result = JSON.parse(
        stdout
          .split("\n")
          .find((l) => l.startsWith("RESULT "))!
          .slice(7),
      );
      expect(result).to.deep.include({ statusCode: 200, body: asset.script });
      expect(result.headers.etag).to.equal(asset.etag);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
