import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { ConfigError, DEFAULT_ALARM_THRESHOLDS, DEFAULTS, loadConfig, parseConfig, SETTING_DOCS, type StackConfig } from "../config";
import { SITES_ENV_MAX_BYTES, sitesEnvValue } from "../contracts/sites";
import { projectDeclarations, projectDefaults, stackSettings } from "../lib/stack-file";
import { renderProjectFile } from "../scripts/lib/project-file";

const ROOT = path.resolve(__dirname, "..");

/** A stack file's `liveinsight:*` values, keys without the prefix, as YAML types them. */
const stackFile = (stack: string) => stackSettings(stack, ROOT);

function rejection(raw: Record<string, unknown>, stack = "dev"): string {
  try {
    parseConfig(raw, stack);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    expect((error as Error).name).to.equal("ConfigError");
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

describe("config", () => {
  it("uses DEFAULTS for every key a stack leaves out", () => {
    expect(parseConfig({}, "staging")).to.deep.equal({ stack: "staging", ...DEFAULTS });
  });

  it("Pulumi.yaml is exactly what config.ts renders (run `npm run settings:write` after changing a setting)", () => {
    expect(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")).to.equal(renderProjectFile());
  });

  it("Pulumi.yaml declares every key but the thresholds object, with config.ts's description, and its defaults parse to DEFAULTS", () => {
    const declared = projectDeclarations(ROOT) as Record<string, { type: string; default: unknown; description: string }>;
    const objectKeys = ["alarmThresholds", "sites"];
    expect(Object.keys(declared)).to.deep.equal(Object.keys(SETTING_DOCS).filter((k) => !objectKeys.includes(k)));
    for (const [key, decl] of Object.entries(declared)) {
      expect(decl.type, key).to.be.oneOf(["integer", "string", "boolean", "array"]);
      expect(decl.description, key).to.equal(SETTING_DOCS[key as keyof typeof SETTING_DOCS].description);
    }
    // What the CLI hands a program for a stack that sets nothing is what the program defaults to.
    expect(parseConfig(projectDefaults(ROOT), "x")).to.deep.equal({ stack: "x", ...DEFAULTS });
  });

  it("Pulumi.yaml documents the sites list in a comment (a list of objects cannot be typed there)", () => {
    const text = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    expect(text).to.include("# liveinsight:sites is a list of objects");
    expect(text).to.include(`#   ${SETTING_DOCS.sites.description}`);
  });

  it("Pulumi.yaml documents each alarm threshold with its default (object keys cannot be typed there)", () => {
    const text = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    expect(text).to.include("# liveinsight:alarmThresholds");
    for (const [name, value] of Object.entries(DEFAULT_ALARM_THRESHOLDS)) {
      expect(text).to.match(new RegExp(`#\\s+${name}: ${value}\\s`), name);
    }
  });

  it("reads Pulumi.dev.yaml: small, open CORS, short retention, no protection, looser alarms", () => {
    const expected: StackConfig = {
      stack: "dev",
      memorySize: 256,
      timeoutSeconds: 10,
      architecture: "arm64",
      reservedConcurrency: -1,
      logRetentionDays: 14,
      hotRetentionDays: 7,
      eventRetentionDays: 30,
      realtimePeakWriteUnits: 1000,
      sdkMaxAttempts: 3,
      sdkRetryMode: "standard",
      throttleRateLimit: 50,
      throttleBurstLimit: 100,
      corsOrigins: ["*"],
      alarmEmail: undefined,
      sites: [{ id: "dev", hosts: ["localhost", "127.0.0.1"], allowServer: true }],
      defaultSite: undefined,
      protectData: false,
      integrationTimeoutMs: 12000,
      trustedProxyHops: 0,
      tableKmsKeyArn: undefined,
      archiveBatchSize: 1000,
      archiveBatchingWindowSeconds: 30,
      archiveMaxRetryAttempts: 3,
      archiveMaxRecordAgeSeconds: 86400,
      archiverMemorySize: 512,
      archiverTimeoutSeconds: 60,
      compactionMemorySize: 1024,
      compactionTimeoutSeconds: 300,
      athenaBytesScannedCutoffMb: 1024,
      athenaResultRetentionDays: 1,
      alarmThresholds: {
        collectorErrorRatePercent: 5,
        functionErrors: 5,
        collectorP99DurationMs: 3000,
        realtimeP99DurationMs: 3000,
        concurrencyPercent: 90,
        functionThrottles: 10,
        api5xxRatePercent: 5,
        api4xxRatePercent: 25,
        apiThrottledRequests: 100,
        apiP99LatencyMs: 3000,
        tableThrottleEvents: 25,
        processingErrors: 10,
        eventsRejected: 500,
        droppedSharePercent: 50,
        archiveIteratorAgeMs: 1800000,
        periodSeconds: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
      },
    };
    expect(parseConfig(stackFile("dev"), "dev")).to.deep.equal(expected);
  });

  it("reads Pulumi.prod.yaml: protected data, listed origins, alarm e-mail, reserved concurrency, stricter alarms", () => {
    const expected: StackConfig = {
      stack: "prod",
      memorySize: 512,
      timeoutSeconds: 10,
      architecture: "arm64",
      reservedConcurrency: 50,
      logRetentionDays: 90,
      hotRetentionDays: 14,
      eventRetentionDays: 395,
      realtimePeakWriteUnits: 1000,
      sdkMaxAttempts: 3,
      sdkRetryMode: "standard",
      throttleRateLimit: 500,
      throttleBurstLimit: 1000,
      corsOrigins: ["https://www.example.com", "https://example.com"],
      alarmEmail: "oncall@example.com",
      sites: [{ id: "www", hosts: ["example.com", "www.example.com"], allowServer: false }],
      defaultSite: undefined,
      protectData: true,
      integrationTimeoutMs: 12000,
      trustedProxyHops: 0,
      tableKmsKeyArn: undefined,
      archiveBatchSize: 1000,
      archiveBatchingWindowSeconds: 300,
      archiveMaxRetryAttempts: 3,
      archiveMaxRecordAgeSeconds: 86400,
      archiverMemorySize: 512,
      archiverTimeoutSeconds: 60,
      compactionMemorySize: 1024,
      compactionTimeoutSeconds: 300,
      athenaBytesScannedCutoffMb: 10240,
      athenaResultRetentionDays: 7,
      alarmThresholds: {
        collectorErrorRatePercent: 1,
        functionErrors: 0,
        collectorP99DurationMs: 800,
        realtimeP99DurationMs: 500,
        concurrencyPercent: 80,
        functionThrottles: 1,
        api5xxRatePercent: 1,
        api4xxRatePercent: 5,
        apiThrottledRequests: 10,
        apiP99LatencyMs: 1000,
        tableThrottleEvents: 1,
        processingErrors: 1,
        eventsRejected: 100,
        droppedSharePercent: 5,
        archiveIteratorAgeMs: 600000,
        periodSeconds: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
      },
    };
    expect(parseConfig(stackFile("prod"), "prod")).to.deep.equal(expected);
  });

  it("keeps every stack's integration timeout above its function timeout", () => {
    for (const stack of ["dev", "prod"]) {
      const c = parseConfig(stackFile(stack), stack);
      expect(c.integrationTimeoutMs, stack).to.be.greaterThan(c.timeoutSeconds * 1000);
    }
  });

  it("accepts values the way the Pulumi runtime hands them over: strings and JSON text", () => {
    const c = parseConfig(
      {
        memorySize: "1024",
        throttleRateLimit: "12.5",
        protectData: "true",
        corsOrigins: '["https://app.example.org","http://localhost:8080"]',
        alarmThresholds: '{"periodSeconds":120,"evaluationPeriods":3,"datapointsToAlarm":2}',
      },
      "qa",
    );
    expect(c.memorySize).to.equal(1024);
    expect(c.throttleRateLimit).to.equal(12.5);
    expect(c.protectData).to.equal(true);
    expect(c.corsOrigins).to.deep.equal(["https://app.example.org", "http://localhost:8080"]);
    expect(c.alarmThresholds).to.deep.equal({
      ...DEFAULT_ALARM_THRESHOLDS,
      periodSeconds: 120,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });
  });

  it("merges alarmThresholds over the defaults key by key", () => {
    expect(parseConfig({ alarmThresholds: { apiP99LatencyMs: 700 } }, "qa").alarmThresholds).to.deep.equal({
      ...DEFAULT_ALARM_THRESHOLDS,
      apiP99LatencyMs: 700,
    });
  });

  it("passes legal but unwise values unchanged (the policy pack judges them)", () => {
    const c = parseConfig(
      {
        memorySize: 10240,
        timeoutSeconds: 900,
        integrationTimeoutMs: 5000, // below the function timeout: a policy violation, not a config error
        reservedConcurrency: 0,
        logRetentionDays: 0,
        corsOrigins: [],
        throttleRateLimit: 0,
        alarmThresholds: { collectorErrorRatePercent: 150 },
      },
      "qa",
    );
    expect([c.memorySize, c.timeoutSeconds, c.integrationTimeoutMs, c.reservedConcurrency, c.logRetentionDays]).to.deep.equal([
      10240, 900, 5000, 0, 0,
    ]);
    expect(c.corsOrigins).to.deep.equal([]);
    expect(c.throttleRateLimit).to.equal(0);
    expect(c.alarmThresholds.collectorErrorRatePercent).to.equal(150);
  });

  it("accepts a customer-managed key ARN (single- and multi-Region) and trusted proxy hops", () => {
    const single = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const multi = "arn:aws:kms:us-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab";
    expect(parseConfig({ tableKmsKeyArn: single, trustedProxyHops: "2" }, "qa")).to.deep.include({
      tableKmsKeyArn: single,
      trustedProxyHops: 2,
    });
    expect(parseConfig({ tableKmsKeyArn: multi }, "qa").tableKmsKeyArn).to.equal(multi);
    expect(parseConfig({ tableKmsKeyArn: "" }, "qa").tableKmsKeyArn).to.equal(undefined);
  });

  it("treats null as absent and reads booleans and threshold numbers given as text", () => {
    const c = parseConfig({ memorySize: null, protectData: "false", alarmThresholds: '{"apiP99LatencyMs":"700"}' }, "qa");
    expect(c.memorySize).to.equal(DEFAULTS.memorySize);
    expect(c.protectData).to.equal(false);
    expect(c.alarmThresholds.apiP99LatencyMs).to.equal(700);
  });

  it("returns a frozen object", () => {
    const c = parseConfig({}, "qa");
    expect(Object.isFrozen(c)).to.equal(true);
    expect(Object.isFrozen(c.corsOrigins)).to.equal(true);
    expect(Object.isFrozen(c.alarmThresholds)).to.equal(true);
  });

  describe("rejects what AWS would reject, naming key, allowed range, value and file", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ memorySize: 64 }, "liveinsight:memorySize must be between 128 and 10240 MB; got 64 in Pulumi.dev.yaml"],
      [{ memorySize: 10241 }, "liveinsight:memorySize must be between 128 and 10240 MB; got 10241 in Pulumi.dev.yaml"],
      [{ memorySize: "lots" }, 'liveinsight:memorySize must be a whole number; got "lots" in Pulumi.dev.yaml'],
      [{ memorySize: 256.5 }, "liveinsight:memorySize must be a whole number; got 256.5 in Pulumi.dev.yaml"],
      [{ timeoutSeconds: 0 }, "liveinsight:timeoutSeconds must be between 1 and 900 seconds; got 0 in Pulumi.dev.yaml"],
      [{ timeoutSeconds: "901" }, "liveinsight:timeoutSeconds must be between 1 and 900 seconds; got 901 in Pulumi.dev.yaml"],
      [{ architecture: "arm" }, 'liveinsight:architecture must be one of "arm64", "x86_64"; got "arm" in Pulumi.dev.yaml'],
      [{ reservedConcurrency: -2 }, "liveinsight:reservedConcurrency must be at least -1; got -2 in Pulumi.dev.yaml"],
      [
        { logRetentionDays: 10 },
        "liveinsight:logRetentionDays must be a CloudWatch Logs retention period " +
          "(0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653; " +
          "0 = never expire); got 10 in Pulumi.dev.yaml",
      ],
      [{ eventRetentionDays: 0 }, "liveinsight:eventRetentionDays must be at least 1; got 0 in Pulumi.dev.yaml"],
      [{ sdkMaxAttempts: 0 }, "liveinsight:sdkMaxAttempts must be at least 1; got 0 in Pulumi.dev.yaml"],
      [
        { sdkRetryMode: "aggressive" },
        'liveinsight:sdkRetryMode must be one of "standard", "adaptive", "legacy"; got "aggressive" in Pulumi.dev.yaml',
      ],
      [{ throttleRateLimit: -1 }, "liveinsight:throttleRateLimit must be at least 0; got -1 in Pulumi.dev.yaml"],
      [{ throttleBurstLimit: 1.5 }, "liveinsight:throttleBurstLimit must be a whole number; got 1.5 in Pulumi.dev.yaml"],
      [{ corsOrigins: "*" }, 'liveinsight:corsOrigins must be a list of origins; got "*" in Pulumi.dev.yaml'],
      [
        { corsOrigins: ["www.example.com"] },
        'liveinsight:corsOrigins must list "*" or origins like "https://www.example.com" (scheme and host, no path); got "www.example.com" in Pulumi.dev.yaml',
      ],
      [
        { corsOrigins: ["https://example.com/"] },
        'liveinsight:corsOrigins must list "*" or origins like "https://www.example.com" (scheme and host, no path); got "https://example.com/" in Pulumi.dev.yaml',
      ],
      [
        { alarmEmail: "oncall" },
        'liveinsight:alarmEmail must be an e-mail address (SNS rejects anything else); got "oncall" in Pulumi.dev.yaml',
      ],
      [{ protectData: "yes" }, 'liveinsight:protectData must be true or false; got "yes" in Pulumi.dev.yaml'],
      [{ integrationTimeoutMs: 30001 }, "liveinsight:integrationTimeoutMs must be between 50 and 30000 ms; got 30001 in Pulumi.dev.yaml"],
      [{ integrationTimeoutMs: 49 }, "liveinsight:integrationTimeoutMs must be between 50 and 30000 ms; got 49 in Pulumi.dev.yaml"],
      [{ alarmThresholds: [1] }, "liveinsight:alarmThresholds must be an object; got [1] in Pulumi.dev.yaml"],
      [
        { alarmThresholds: { apiP99LatencyMs: -5 } },
        "liveinsight:alarmThresholds.apiP99LatencyMs must be at least 0; got -5 in Pulumi.dev.yaml",
      ],
      [
        { alarmThresholds: { apiP99LatencyMs: "fast" } },
        'liveinsight:alarmThresholds.apiP99LatencyMs must be a number; got "fast" in Pulumi.dev.yaml',
      ],
      [
        { alarmThresholds: { errorRate: 1 } },
        'liveinsight:alarmThresholds has no threshold "errorRate" (known: collectorErrorRatePercent, functionErrors, collectorP99DurationMs, ' +
          "realtimeP99DurationMs, concurrencyPercent, functionThrottles, api5xxRatePercent, api4xxRatePercent, apiThrottledRequests, " +
          "apiP99LatencyMs, tableThrottleEvents, processingErrors, eventsRejected, droppedSharePercent, archiveIteratorAgeMs, periodSeconds, " +
          "evaluationPeriods, datapointsToAlarm); got 1 in Pulumi.dev.yaml",
      ],
      [{ trustedProxyHops: -1 }, "liveinsight:trustedProxyHops must be between 0 and 10 proxies; got -1 in Pulumi.dev.yaml"],
      [{ trustedProxyHops: "one" }, 'liveinsight:trustedProxyHops must be a whole number; got "one" in Pulumi.dev.yaml'],
      [{ hotRetentionDays: 0 }, "liveinsight:hotRetentionDays must be at least 1; got 0 in Pulumi.dev.yaml"],
      [{ archiveBatchSize: 10001 }, "liveinsight:archiveBatchSize must be between 1 and 10000 records; got 10001 in Pulumi.dev.yaml"],
      [
        { archiveBatchingWindowSeconds: 301 },
        "liveinsight:archiveBatchingWindowSeconds must be between 0 and 300 seconds; got 301 in Pulumi.dev.yaml",
      ],
      [{ archiveMaxRetryAttempts: -2 }, "liveinsight:archiveMaxRetryAttempts must be between -1 and 10000; got -2 in Pulumi.dev.yaml"],
      [
        { archiveMaxRecordAgeSeconds: 59 },
        "liveinsight:archiveMaxRecordAgeSeconds must be -1 or between 60 and 604800 seconds; got 59 in Pulumi.dev.yaml",
      ],
      [{ archiverMemorySize: 64 }, "liveinsight:archiverMemorySize must be between 128 and 10240 MB; got 64 in Pulumi.dev.yaml"],
      [
        { compactionTimeoutSeconds: 901 },
        "liveinsight:compactionTimeoutSeconds must be between 1 and 900 seconds; got 901 in Pulumi.dev.yaml",
      ],
      [
        { athenaBytesScannedCutoffMb: 9 },
        "liveinsight:athenaBytesScannedCutoffMb must be between 10 and 1073741824 MB; got 9 in Pulumi.dev.yaml",
      ],
      [
        { tableKmsKeyArn: "alias/liveinsight" },
        "liveinsight:tableKmsKeyArn must be a KMS key ARN like arn:aws:kms:us-east-1:123456789012:key/<key id> (or empty for the AWS-owned key); " +
          'got "alias/liveinsight" in Pulumi.dev.yaml',
      ],
      [
        { tableKmsKeyArn: "arn:aws:kms:us-east-1:12345:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
        "liveinsight:tableKmsKeyArn must be a KMS key ARN like arn:aws:kms:us-east-1:123456789012:key/<key id> (or empty for the AWS-owned key); " +
          'got "arn:aws:kms:us-east-1:12345:key/1234abcd-12ab-34cd-56ef-1234567890ab" in Pulumi.dev.yaml',
      ],
      [
        { alarmThresholds: { concurrencyPercent: 120 } },
        "liveinsight:alarmThresholds.concurrencyPercent must be a share of the reservation in (0, 100]; got 120 in Pulumi.dev.yaml",
      ],
      [
        { alarmThresholds: { periodSeconds: 45 } },
        "liveinsight:alarmThresholds.periodSeconds must be a positive multiple of 60; got 45 in Pulumi.dev.yaml",
      ],
      [
        { alarmThresholds: { datapointsToAlarm: 6 } },
        "liveinsight:alarmThresholds.datapointsToAlarm must be an integer between 1 and evaluationPeriods (5); got 6 in Pulumi.dev.yaml",
      ],
      [
        { alarmThresholds: { evaluationPeriods: 2000 } },
        "liveinsight:alarmThresholds.periodSeconds * evaluationPeriods must not exceed 86400 s (one day); got 120000 in Pulumi.dev.yaml",
      ],
      [
        { sites: [{ id: "Shop", hosts: ["shop.io"] }] },
        `liveinsight:sites[0] ("Shop").id must be 3-40 characters of a-z, 0-9 or '-'; got "Shop" in Pulumi.dev.yaml`,
      ],
      [
        {
          sites: [
            { id: "shop", hosts: ["shop.io"] },
            { id: "blog", hosts: [] },
          ],
        },
        'liveinsight:sites[1] ("blog").hosts must list at least one host like "example.com"; got [] in Pulumi.dev.yaml',
      ],
      [
        { sites: '[{"id":"shop","hosts":["https://shop.io"]}]' },
        'liveinsight:sites[0] ("shop").hosts[0] must be a host name like "example.com" or "*.example.com" (lower case, no scheme, path or port; a port only on localhost / 127.0.0.1 / [::1]); got "https://shop.io" in Pulumi.dev.yaml',
      ],
      [
        { sites: [{ id: "shop", hosts: ["*"] }] },
        `liveinsight:sites[0] ("shop").hosts[0] "*" is local mode's alone; list the site's hosts; got "*" in Pulumi.dev.yaml`,
      ],
      [
        { sites: [{ id: "shop", hosts: ["shop.io"], allowServer: "yes" }] },
        'liveinsight:sites[0] ("shop").allowServer must be true or false; got "yes" in Pulumi.dev.yaml',
      ],
      [
        { sites: [{ id: "shop", host: ["shop.io"] }] },
        'liveinsight:sites[0] ("shop") has no field "host" (known: id, hosts, allowServer) in Pulumi.dev.yaml',
      ],
      [
        {
          sites: [
            { id: "shop", hosts: ["shop.io"] },
            { id: "shop", hosts: ["b.io"] },
          ],
        },
        `liveinsight:sites[1] ("shop").id repeats an earlier site's id; every id must be unique in Pulumi.dev.yaml`,
      ],
      [
        { sites: [{ id: "shop", hosts: ["shop.io"] }], defaultSite: "blog" },
        'liveinsight:defaultSite "blog" is not the id of a site (known: shop) in Pulumi.dev.yaml',
      ],
      [{ defaultSite: "Blog" }, `liveinsight:defaultSite must be 3-40 characters of a-z, 0-9 or '-'; got "Blog" in Pulumi.dev.yaml`],
    ];
    for (const [raw, message] of cases) {
      it(`${JSON.stringify(raw)}`, () => expect(rejection(raw)).to.equal(message));
    }

    it("a site table that would not fit the collector's 4 KB environment", () => {
      const many = Array.from({ length: 60 }, (_, i) => ({
        id: `site-${i}`,
        hosts: [`www.site-number-${i}.com`, `*.site-number-${i}.com`],
      }));
      const bytes = Buffer.byteLength(sitesEnvValue(many.map((s) => ({ ...s, allowServer: false }))));
      expect(bytes).to.be.above(SITES_ENV_MAX_BYTES);
      expect(rejection({ sites: many })).to.equal(
        `liveinsight:sites take ${bytes} bytes in the collector's environment (SITES); at most ${SITES_ENV_MAX_BYTES} fit Lambda's 4 KB of environment variables: list fewer hosts (a "*." wildcard covers every subdomain) or split the sites over stacks in Pulumi.dev.yaml`,
      );
      expect(parseConfig({ sites: many.slice(0, 30) }, "dev").sites).to.have.length(30);
    });

    it("an unknown key, so a misspelt setting is not silently ignored", () => {
      expect(rejection({ memorysize: 512 })).to.equal(
        "liveinsight:memorysize is not a LiveInsight setting (known: memorySize, timeoutSeconds, architecture, reservedConcurrency, " +
          "logRetentionDays, hotRetentionDays, eventRetentionDays, realtimePeakWriteUnits, sdkMaxAttempts, sdkRetryMode, throttleRateLimit, throttleBurstLimit, corsOrigins, " +
          "alarmEmail, protectData, integrationTimeoutMs, trustedProxyHops, tableKmsKeyArn, sites, defaultSite, archiveBatchSize, archiveBatchingWindowSeconds, " +
          "archiveMaxRetryAttempts, archiveMaxRecordAgeSeconds, archiverMemorySize, archiverTimeoutSeconds, compactionMemorySize, " +
          "compactionTimeoutSeconds, athenaBytesScannedCutoffMb, athenaResultRetentionDays, alarmThresholds); check its spelling in Pulumi.dev.yaml",
      );
    });

    it("an unknown key before any bad value beside it", () => {
      expect(rejection({ memorySize: 64, memorysize: 512 })).to.match(/^liveinsight:memorysize is not a LiveInsight setting /);
    });

    it("a list element that is not text, quoting the element", () => {
      expect(rejection({ corsOrigins: '["*", 5]' })).to.equal(
        'liveinsight:corsOrigins must list "*" or origins like "https://www.example.com" (scheme and host, no path); got 5 in Pulumi.dev.yaml',
      );
    });

    it("a retention period that is not a number, before checking it against CloudWatch's list", () => {
      expect(rejection({ logRetentionDays: "x" })).to.equal(
        'liveinsight:logRetentionDays must be a whole number; got "x" in Pulumi.dev.yaml',
      );
      expect(rejection({ logRetentionDays: -1 })).to.equal("liveinsight:logRetentionDays must be at least 0; got -1 in Pulumi.dev.yaml");
    });

    it("alarmThresholds text that is not JSON", () => {
      expect(rejection({ alarmThresholds: "nope" })).to.equal(
        'liveinsight:alarmThresholds must be an object; got "nope" in Pulumi.dev.yaml',
      );
    });

    it("names the file of the stack being read", () => {
      expect(rejection({ memorySize: 64 }, "prod")).to.equal(
        "liveinsight:memorySize must be between 128 and 10240 MB; got 64 in Pulumi.prod.yaml",
      );
    });
  });

  describe("loadConfig", () => {
    it("reads only the liveinsight namespace of the Pulumi runtime's config", () => {
      const c = loadConfig(
        { "liveinsight:memorySize": "1024", "liveinsight:corsOrigins": '["https://a.example.com"]', "aws:region": "eu-west-1" },
        "qa",
      );
      expect(c).to.deep.equal({ ...parseConfig({}, "qa"), memorySize: 1024, corsOrigins: ["https://a.example.com"] });
    });
  });
});
