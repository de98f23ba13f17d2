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
const SETTINGS: FunctionSettings = { hotRetentionDays: 7, sdkMaxAttempts: 5, sdkRetryMode: "adaptive", trustedProxyHops: 2 };

describe("contracts/function-env (the functions' environment, written and read)", () => {
  it("writes every setting for both functions, as strings, and only the tables each function uses; never DYNAMODB_ENDPOINT", () => {
    const settings = {
      ENVIRONMENT: "qa",
      HOT_RETENTION_DAYS: "7",
      AWS_MAX_ATTEMPTS: "5",
      AWS_RETRY_MODE: "adaptive",
      TRUSTED_PROXY_HOPS: "2",
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
    const settings = fc.record({
      hotRetentionDays: fc.integer({ min: 1, max: 100_000 }),
      sdkMaxAttempts: fc.integer({ min: 1, max: 100 }),
      sdkRetryMode: fc.constantFrom(...SDK_RETRY_MODES),
      trustedProxyHops: fc.integer({ min: 0, max: 10 }),
    });
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
    ];
    for (const [name, value, rule] of cases) {
      expect(() => readFunctionEnv({ ...full, [name]: value }, ["events"])).to.throw(ConfigError, `Environment variable ${name} ${rule}`);
    }
  });

  it("takes only the function settings out of a larger object (the stack config)", () => {
    expect(functionSettingsOf({ ...SETTINGS, memorySize: 512 } as FunctionSettings)).to.deep.equal(SETTINGS);
  });
});
