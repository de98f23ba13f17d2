import { expect } from "chai";
import { DEFAULTS } from "../../config";
import { functionEnvironment, functionSettingsOf } from "../../contracts/function-env";
import { LOCAL_SITE } from "../../contracts/sites";
import { tableNamesFor } from "../../contracts/tables";
import { readEnv } from "../../functions/shared/env";
import { localFunctionEnv } from "../../local/function-env";

describe("local mode function environment", () => {
  it("is the stack's environment for the local stack with config.ts's defaults, plus the endpoint", () => {
    const tables = tableNamesFor("local");
    expect(localFunctionEnv("http://127.0.0.1:8123", {})).to.deep.equal({
      // The collector's environment holds the realtime function's: both run in this one process.
      ...functionEnvironment("collector", "local", tables, { ...functionSettingsOf(DEFAULTS), sites: [LOCAL_SITE], defaultSite: "local" }),
      AWS_REGION: "us-east-1",
      DYNAMODB_ENDPOINT: "http://127.0.0.1:8123",
    });
    expect(localFunctionEnv("http://x", {})).to.deep.include({
      EVENTS_TABLE: "LiveInsight-local-Events",
      ACTIVE_SESSIONS_TABLE: "LiveInsight-local-ActiveSessions",
      ENVIRONMENT: "local",
      HOT_RETENTION_DAYS: "7",
      SITES: '[{"id":"local","hosts":["*"],"allowServer":true}]',
      DEFAULT_SITE: "local",
    });
  });

  it("adds the sites of LIVEINSIGHT_SITES after the built-in site local, which stays the default", () => {
    const env = localFunctionEnv("http://x", { LIVEINSIGHT_SITES: '[{"id":"shop","hosts":["localhost:8080","*.shop.test"]}]' });
    const read = readEnv(env, ["events"]);
    expect(read.sites).to.deep.equal([LOCAL_SITE, { id: "shop", hosts: ["localhost:8080", "*.shop.test"], allowServer: false }]);
    expect(read.defaultSite).to.equal("local");
  });

  it("refuses a bad LIVEINSIGHT_SITES naming the variable, the site and the field", () => {
    expect(() => localFunctionEnv("http://x", { LIVEINSIGHT_SITES: '[{"id":"shop","hosts":["http://shop.io"]}]' })).to.throw(
      'LIVEINSIGHT_SITES: sites[0] ("shop").hosts[0] must be a host name like "example.com"',
    );
    expect(() => localFunctionEnv("http://x", { LIVEINSIGHT_SITES: '[{"id":"local","hosts":["a.io"]}]' })).to.throw(
      'LIVEINSIGHT_SITES: sites[1] ("local").id repeats an earlier site\'s id; every id must be unique (site "local" is built in; list the others).',
    );
  });

  it("takes overrides from the shell as typed, so the functions' own check names a bad value", () => {
    const env = localFunctionEnv("http://x", {
      HOT_RETENTION_DAYS: "7",
      AWS_RETRY_MODE: "adaptive",
      AWS_MAX_ATTEMPTS: "5",
      AWS_REGION: "eu-west-1",
      TRUSTED_PROXY_HOPS: "1",
    });
    expect([env.HOT_RETENTION_DAYS, env.AWS_RETRY_MODE, env.AWS_MAX_ATTEMPTS, env.AWS_REGION, env.TRUSTED_PROXY_HOPS]).to.deep.equal([
      "7",
      "adaptive",
      "5",
      "eu-west-1",
      "1",
    ]);
    expect(() => readEnv(localFunctionEnv("http://x", { HOT_RETENTION_DAYS: "ninety" }), ["events"])).to.throw(
      'Environment variable HOT_RETENTION_DAYS must be a positive integer; got "ninety".',
    );
  });

  it("is accepted by both functions' configuration check", () => {
    const read = readEnv(localFunctionEnv("http://127.0.0.1:8123", {}), ["events", "sessions", "activeSessions"]);
    expect([read.environment, read.hotRetentionDays, read.endpoint]).to.deep.equal(["local", 7, "http://127.0.0.1:8123"]);
  });
});
