import { readFileSync } from "node:fs";
import { expect } from "chai";
import { deployPolicy, PERMISSIONS } from "../../scripts/preflight/deploy-policy";
import { generatedPolicy, POLICY_FILE, renderPolicy } from "../../scripts/preflight/write-deploy-policy";

describe("docs/deploy-policy.json (the deploying role's least-privilege policy)", () => {
  let generated: ReturnType<typeof deployPolicy>;
  before(async () => (generated = await generatedPolicy()));

  it("is exactly what the generator makes from the program's resource types (run `npm run deploy-policy` after adding a resource)", () => {
    expect(readFileSync(POLICY_FILE, "utf8")).to.equal(renderPolicy(generated));
  });

  it("grants no wildcard action, and a wildcard resource only to the actions AWS cannot scope", () => {
    for (const s of generated.Statement) {
      for (const action of s.Action) expect(action, s.Sid).to.match(/^[a-z0-9-]+:[A-Za-z]+$/);
      if (s.Resource.includes("*")) expect(s.Sid).to.be.oneOf(["Identity", "AccessLogDelivery"]);
      else
        for (const r of s.Resource)
          expect(r, s.Sid).to.match(/LiveInsight-|role\/api-(collector|realtime)-role-\*|apigateway:\*::\/(apis|tags)/);
    }
  });

  it("lets the role pass only the two function roles, only to Lambda", () => {
    const pass = generated.Statement.find((s) => s.Sid === "PassFunctionRoles")!;
    expect(pass).to.deep.equal({
      Sid: "PassFunctionRoles",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: ["arn:aws:iam::*:role/api-collector-role-*", "arn:aws:iam::*:role/api-realtime-role-*"],
      Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
    });
  });

  it("includes the log-delivery permissions HTTP API access logs need, and what preflight reads", () => {
    const actions = generated.Statement.flatMap((s) => s.Action);
    expect(actions).to.include.members([
      "logs:CreateLogDelivery",
      "logs:PutResourcePolicy",
      "sts:GetCallerIdentity",
      "lambda:GetAccountSettings",
      "lambda:GetFunctionConcurrency",
    ]);
  });

  it("fits a customer-managed policy (6,144 characters without whitespace)", () => {
    expect(JSON.stringify(generated).length).to.be.at.most(6144);
  });

  it("refuses a resource type it has no permissions for, naming the file to fix", () => {
    expect(() => deployPolicy([{ type: "aws:s3/bucket:Bucket", name: "b" }])).to.throw(
      /No deploy permissions for resource type aws:s3\/bucket:Bucket: add it to PERMISSIONS/,
    );
    expect(Object.keys(PERMISSIONS)).to.include("aws:apigatewayv2/stage:Stage");
  });
});
