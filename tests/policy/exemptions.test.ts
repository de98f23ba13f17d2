import { expect } from "chai";
import { policies } from "../../policy/policies";
import { messagesOf, policyNamed, runWith, stackWith } from "./fixtures";

const RETENTION = "cloudwatch-log-group-retention";
const TOO_LONG = 'CloudWatch log group "collector-logs" has retentionInDays 30 days; the allowed range is 7 to 10 days.';
const stack = () => stackWith();

describe("policy exemptions", () => {
  it("keeps an exempted violation from its policy and reports it under policy-exemptions", async () => {
    const exemptions = [{ resource: "collector-*", reason: "INC-42 audit hold", expires: "2999-12-31" }];
    const result = await runWith(stack(), { [RETENTION]: { properties: { maxRetentionDays: 10, exemptions } } }, undefined);
    expect(result.violations.filter((v) => v.policy === RETENTION)).to.deep.equal([]);
    expect(result.violations.filter((v) => v.policy === "policy-exemptions")).to.deep.equal([
      {
        policy: "policy-exemptions",
        resourceName: "collector-logs",
        message: `Exempted until 2999-12-31 (INC-42 audit hold): ${RETENTION}: ${TOO_LONG}`,
      },
    ]);
  });

  it("enforces the violation again after the expiry date, saying so", async () => {
    const exemptions = [{ resource: "collector-logs", reason: "old", expires: "2020-01-31" }];
    expect(await messagesOf(RETENTION, stack(), { maxRetentionDays: 10, exemptions })).to.deep.equal([
      `${TOO_LONG} (exemption expired 2020-01-31)`,
    ]);
  });

  it("does not exempt a resource the glob does not match", async () => {
    const exemptions = [{ resource: "realtime-*", reason: "other", expires: "2999-12-31" }];
    expect(await messagesOf(RETENTION, stack(), { maxRetentionDays: 10, exemptions })).to.deep.equal([TOO_LONG]);
  });

  it("exempts violations a stack policy reports against a resource", async () => {
    const exemptions = [{ resource: "collector", reason: "alarm lands next sprint", expires: "2999-12-31" }];
    const resources = stackWith("collector-error-rate", (p) => {
      p.metricQueries[0].metric.dimensions.FunctionName = "x";
      p.metricQueries[1].metric.dimensions.FunctionName = "x";
    });
    const result = await runWith(resources, { "lambda-function-errors-alarm": { properties: { exemptions } } }, undefined);
    expect(result.violations.map((v) => `${v.policy} ${v.resourceName}`)).to.deep.equal(["policy-exemptions collector"]);
    expect(result.violations[0].message).to.match(
      /^Exempted until 2999-12-31 \(alarm lands next sprint\): lambda-function-errors-alarm: Lambda function "collector" has no CloudWatch alarm/,
    );
  });

  it("is declared in every policy's configSchema, each policy with its own enforcementLevel", () => {
    for (const policy of policies) {
      expect(policy.configSchema?.properties.exemptions, policy.name).to.deep.include({ type: "array" });
      expect(policy.enforcementLevel, policy.name).to.be.oneOf(["advisory", "mandatory"]);
    }
    expect(policyNamed("policy-exemptions").enforcementLevel).to.equal("advisory");
    expect(policies[policies.length - 1].name).to.equal("policy-exemptions");
  });

  it("has no threshold default in any schema, so the CLI cannot override the stack profile", () => {
    const withDefaults = policies.flatMap((p) =>
      Object.entries(p.configSchema?.properties ?? {})
        .filter(([, s]) => s.default !== undefined)
        .map(([k]) => `${p.name}.${k}`),
    );
    expect(withDefaults).to.deep.equal([]);
  });
});
