import { expect } from "chai";
import type { RecordedResource } from "../../scripts/lib/program-harness";
import { buildReport, tableReport } from "../../scripts/policy/report";

const URN = "urn:pulumi:prod::liveinsight::liveinsight:api:CollectorApi$aws:cloudwatch/logGroup:LogGroup::api-collector-logs";
const EXEMPTED =
  'Exempted until 2999-12-31 (INC-42): cloudwatch-log-group-retention: CloudWatch log group "api-collector-logs" has retentionInDays 90 days; the allowed range is 7 to 30 days.';
const resources = [{ type: "aws:cloudwatch/logGroup:LogGroup", name: "api-collector-logs", urn: URN }] as RecordedResource[];
const outcome = (level: "advisory" | "mandatory", message: string, policy = "policy-exemptions") => ({
  diagnostics: [{ policy, enforcementLevel: level, message, urn: URN }],
  remediated: [],
  remediationNotRun: [],
});

describe("scripts/policy/report", () => {
  it("lists an advisory exemption report under exempted only", () => {
    const report = buildReport("prod", null, outcome("advisory", EXEMPTED), resources);
    expect(report.exempted).to.deep.equal([
      {
        policy: "cloudwatch-log-group-retention",
        resourceName: "api-collector-logs",
        reason: "INC-42",
        expires: "2999-12-31",
        message: 'CloudWatch log group "api-collector-logs" has retentionInDays 90 days; the allowed range is 7 to 30 days.',
      },
    ]);
    expect(report).to.deep.include({ violations: [], mandatory: 0, advisory: 0 });
  });

  it("counts an exemption report the config raised to mandatory, as the CLI would block on it", () => {
    const report = buildReport("prod", null, outcome("mandatory", EXEMPTED), resources);
    expect(report.exempted).to.have.length(1);
    expect(report.mandatory).to.equal(1);
    expect(report.violations[0]).to.deep.include({ policy: "policy-exemptions", resourceName: "api-collector-logs", message: EXEMPTED });
  });

  it("lists what the server could not run at preview under notRun, not as a violation", () => {
    const message =
      "can't run policy 'iam-policy-no-wildcards' from policy pack 'liveinsight@v0.1.0' during preview: string value at .policy can't be known during preview";
    const report = buildReport("dev", null, outcome("advisory", message, "iam-policy-no-wildcards"), resources);
    expect(report.notRun).to.deep.equal([
      {
        policy: "iam-policy-no-wildcards",
        resourceName: "api-collector-logs",
        reason: "string value at .policy can't be known during preview",
      },
    ]);
    expect(report.violations).to.deep.equal([]);
  });

  it("lists each remediated resource in the JSON and as a row of the table", () => {
    const report = buildReport(
      "prod",
      null,
      { diagnostics: [], remediated: [{ policy: "cloudwatch-log-group-retention", urn: URN }] },
      resources,
    );
    expect(report.remediations).to.deep.equal([{ policy: "cloudwatch-log-group-retention", resourceName: "api-collector-logs" }]);
    expect(tableReport(report, "header", 1234).split("\n")).to.deep.equal([
      "header",
      "",
      "POLICY                          LEVEL       RESOURCE            MESSAGE",
      "cloudwatch-log-group-retention  remediated  api-collector-logs  inputs rewritten by the pack before the checks ran",
      "",
      "0 mandatory, 0 advisory, 0 exempted, 0 not run, 1 remediated. PASS. (1.2 s)",
    ]);
  });
});
