import { expect } from "chai";
import { createDynamoClient } from "../../functions/shared/clients";
import { ConfigError, readEnv } from "../../functions/shared/env";
import { capturedCollectorRequests } from "../support/captured-logs";
import { stackFunctionEnv } from "../support/dynalite";
import { REQUEST_LINE_FIELDS } from "../support/request-line-fields";

describe("collector handler (real module, env at module scope)", () => {
  it("writes exactly one JSON line per request with the request-line fields", async () => {
    const requests = await capturedCollectorRequests();
    expect(requests.map((r) => [r.name, r.status, r.lines.length])).to.deep.equal([
      ["single", 200, 1],
      ["batch", 200, 1],
      ["invalid", 400, 1],
      ["malformed", 400, 1],
      ["method", 405, 1],
      ["bot", 200, 1],
      ["origin", 403, 1],
      ["unknown-site", 400, 1],
      ["storage-down", 503, 1],
    ]);
    for (const { lines, status } of requests) {
      const line = JSON.parse(lines[0]);
      const dropped = line.dropped > 0 ? ["drop_reason"] : [];
      const expected = [...REQUEST_LINE_FIELDS, ...dropped, ...(status >= 400 ? ["error_name", "error_message"] : [])];
      expect(Object.keys(line)).to.deep.equal(expected);
      expect(line).to.include({ message: "request completed", service: "collector", environment: "dev", status });
      expect(new Date(line.timestamp).toISOString()).to.equal(line.timestamp);
      expect(line.processing_time_ms).to.be.a("number").and.at.least(0);
    }
  });

  it("counts events, rejections, sessions and new sessions, and marks only the first request cold", async () => {
    const lines = (await capturedCollectorRequests()).map((r) => JSON.parse(r.lines[0]));
    const pick = (l: Record<string, unknown>) => [
      l.level,
      l.cold_start,
      l.events,
      l.rejected,
      l.sessions,
      l.sessions_created,
      l.dropped,
      l.drop_reason,
    ];
    expect(lines.map(pick)).to.deep.equal([
      ["INFO", true, 1, 0, 1, 1, 0, undefined],
      ["INFO", false, 5, 0, 2, 1, 0, undefined],
      ["WARN", false, 0, 2, 0, 0, 0, undefined],
      ["WARN", false, 0, 1, 0, 0, 0, undefined],
      ["WARN", false, 0, 0, 0, 0, 0, undefined],
      ["INFO", false, 0, 0, 0, 0, 2, "bot"],
      ["WARN", false, 0, 0, 0, 0, 2, "origin"],
      ["WARN", false, 0, 0, 0, 0, 2, "unknown_site"],
      ["ERROR", false, 0, 0, 1, 0, 0, undefined],
    ]);
    expect(lines.map((l) => l.request_id)).to.deep.equal(Array.from({ length: 9 }, (_, i) => `req-${i + 1}`));
    expect([lines[8].error_name, lines[2].error_name]).to.deep.equal(["ResourceNotFoundException", "ClientError"]);
  });

  it("never logs the full client IP, the request body or a stack trace", async () => {
    for (const { lines } of await capturedCollectorRequests()) {
      expect(lines[0]).not.to.include("203.0.113.77");
      expect(lines[0]).not.to.include("cap-s1");
      expect(lines[0]).not.to.include("https://e.com/");
      expect(lines[0]).not.to.match(/\n\s+at /);
    }
  });
});

describe("function configuration from env", () => {
  const tables = stackFunctionEnv({ events: "E", sessions: "S", activeSessions: "A" });

  it("names the missing variable", () => {
    expect(() => readEnv({ EVENTS_TABLE: "E", ACTIVE_SESSIONS_TABLE: "A" }, ["events", "sessions", "activeSessions"])).to.throw(
      ConfigError,
      "Environment variable SESSIONS_TABLE is required but not set; the stack sets it on the function.",
    );
    expect(() => readEnv({ ...tables, AWS_MAX_ATTEMPTS: "zero" }, ["events"])).to.throw(
      ConfigError,
      'Environment variable AWS_MAX_ATTEMPTS must be a positive integer; got "zero".',
    );
    expect(() => readEnv({ ...tables, AWS_RETRY_MODE: "eager" }, ["events"])).to.throw(
      ConfigError,
      'Environment variable AWS_RETRY_MODE must be one of standard, adaptive, legacy; got "eager".',
    );
  });

  it("only requires the tables a function uses", () => {
    const { EVENTS_TABLE: _e, SESSIONS_TABLE: _s, ...realtimeOnly } = tables;
    expect(readEnv(realtimeOnly, ["activeSessions"]).tables).to.deep.equal({
      events: "",
      sessions: "",
      activeSessions: "A",
    });
  });

  it("configures the SDK's retries from AWS_MAX_ATTEMPTS and AWS_RETRY_MODE", async () => {
    const client = createDynamoClient(
      readEnv({ ...tables, AWS_MAX_ATTEMPTS: "4", AWS_RETRY_MODE: "adaptive", DYNAMODB_ENDPOINT: "http://127.0.0.1:1" }, ["events"]),
    );
    expect(await client.config.maxAttempts()).to.equal(4);
    expect(client.config.retryMode).to.equal("adaptive");
    client.destroy();
  });
});
