import { expect } from "chai";
import fc from "fast-check";
import {
  ConfigError,
  FUNCTION_TABLES,
  type FunctionSettings,
  functionEnvironment,
  functionSettingsOf,
  readFunctionEnv,
  SDK_RETRY_MODES,
  SETTING_VARIABLES,
} from "../../contracts/function-env";

const TABLES = { events: "E", sessions: "S", activeSessions: "A" };
const SITES = [
  { id: "shop", hosts: ["shop.io", "*.shop.io"], allowServer: false },
  { id: "api-feed", hosts: ["feed.shop.io"], allowServer: true },
];
const SETTINGS: FunctionSettings = {
  hotRetentionDays: 7,
  sdkMaxAttempts: 5,
  sdkRetryMode: "adaptive",
  trustedProxyHops: 2,
  realtimePeakWriteUnits: 2500,
  sites: SITES,
  defaultSite: "shop",
};

describe("contracts/function-env (the functions' environment, written and read)", () => {
  it("writes every setting for both functions, as strings, and only the tables each function uses; never DYNAMODB_ENDPOINT", () => {
    const settings = {
      ENVIRONMENT: "qa",
      HOT_RETENTION_DAYS: "7",
      AWS_MAX_ATTEMPTS: "5",
      AWS_RETRY_MODE: "adaptive",
      TRUSTED_PROXY_HOPS: "2",
      REALTIME_PEAK_WRITE_UNITS: "2500",
      SITES: '[{"id":"shop","hosts":["shop.io","*.shop.io"]},{"id":"api-feed","hosts":["feed.shop.io"],"allowServer":true}]',
      DEFAULT_SITE: "shop",
    };
    expect(functionEnvironment("collector", "qa", TABLES, SETTINGS)).to.deep.equal({
      EVENTS_TABLE: "E",
      SESSIONS_TABLE: "S",
      ACTIVE_SESSIONS_TABLE: "A",
      ...settings,
    });
    expect(functionEnvironment("realtime", "qa", TABLES, SETTINGS)).to.deep.equal({ ACTIVE_SESSIONS_TABLE: "A", ...settings });
  });

  it("refuses to write a function's environment without a table it uses", () => {
    expect(() => functionEnvironment("collector", "qa", { activeSessions: "A" }, SETTINGS)).to.throw(
      "The collector function needs the events table's name.",
    );
  });

  it("reads back exactly what it wrote, for any settings and either function", () => {
    const settings = fc
      .record({
        hotRetentionDays: fc.integer({ min: 1, max: 100_000 }),
        sdkMaxAttempts: fc.integer({ min: 1, max: 100 }),
        sdkRetryMode: fc.constantFrom(...SDK_RETRY_MODES),
        trustedProxyHops: fc.integer({ min: 0, max: 10 }),
        realtimePeakWriteUnits: fc.integer({ min: 1, max: 10_000 }),
        sites: fc.uniqueArray(
          fc.record({
            id: fc.stringMatching(/^[a-z0-9-]{3,40}$/),
            hosts: fc.uniqueArray(fc.constantFrom("a.io", "*.a.io", "localhost:8080", "b.example.org"), { minLength: 1 }),
            allowServer: fc.boolean(),
          }),
          { selector: (s) => s.id, maxLength: 4 },
        ),
        withDefault: fc.boolean(),
      })
      .map(({ withDefault, ...s }) => ({ ...s, defaultSite: withDefault ? s.sites[0]?.id : undefined }));
    fc.assert(
      fc.property(settings, fc.constantFrom("collector" as const, "realtime" as const), (s, kind) => {
        const read = readFunctionEnv(functionEnvironment(kind, "qa", TABLES, s), FUNCTION_TABLES[kind]);
        expect(functionSettingsOf(read)).to.deep.equal(s);
        expect(read.environment).to.equal("qa");
        for (const table of FUNCTION_TABLES[kind]) expect(read.tables[table]).to.equal(TABLES[table]);
      }),
    );
  });

  it("has no default: each setting's variable missing is an error naming it", () => {
    const full = functionEnvironment("collector", "qa", TABLES, SETTINGS);
    for (const { name } of Object.values(SETTING_VARIABLES)) {
      const { [name]: _gone, ...rest } = full;
      expect(() => readFunctionEnv(rest, ["events"]), name).to.throw(
        ConfigError,
        `Environment variable ${name} is required but not set; the stack sets it on the function.`,
      );
    }
  });

  it("names a bad value with the rule it breaks", () => {
    const full = functionEnvironment("collector", "qa", TABLES, SETTINGS);
    const cases: [string, string, string][] = [
      ["HOT_RETENTION_DAYS", "ninety", 'must be a positive integer; got "ninety".'],
      ["AWS_MAX_ATTEMPTS", "0", 'must be a positive integer; got "0".'],
      ["AWS_RETRY_MODE", "eager", 'must be one of standard, adaptive, legacy; got "eager".'],
      ["TRUSTED_PROXY_HOPS", "1.5", 'must be a whole number >= 0; got "1.5".'],
      ["TRUSTED_PROXY_HOPS", "-1", 'must be a whole number >= 0; got "-1".'],
      ["SITES", "{", 'is not a valid site table: sites must be a JSON list of sites; got "{".'],
      [
        "SITES",
        '[{"id":"shop","hosts":["Shop.io"]}]',
        'is not a valid site table: sites[0] ("shop").hosts[0] must be a host name like "example.com"',
      ],
      ["DEFAULT_SITE", "No", "must be 3-40 characters of a-z, 0-9 or '-'; got \"No\"."],
      ["DEFAULT_SITE", "blog", 'names no site of SITES: defaultSite "blog" is not the id of a site (known: shop, api-feed).'],
    ];
    for (const [name, value, rule] of cases) {
      expect(() => readFunctionEnv({ ...full, [name]: value }, ["events"])).to.throw(ConfigError, `Environment variable ${name} ${rule}`);
    }
  });

  it("reads an empty DEFAULT_SITE as no default site, and a missing one as an error", () => {
    const full = functionEnvironment("collector", "qa", TABLES, { ...SETTINGS, defaultSite: undefined });
    expect(full.DEFAULT_SITE).to.equal("");
    expect(readFunctionEnv(full, ["events"]).defaultSite).to.equal(undefined);
    const { DEFAULT_SITE: _, ...missing } = full;
    expect(() => readFunctionEnv(missing, ["events"])).to.throw(ConfigError, "Environment variable DEFAULT_SITE is required but not set");
  });

  it("takes only the function settings out of a larger object (the stack config)", () => {
    expect(functionSettingsOf({ ...SETTINGS, memorySize: 512 } as FunctionSettings)).to.deep.equal(SETTINGS);
  });
});
