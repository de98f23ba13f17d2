import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { ofType, runProgram } from "../../scripts/lib/program-harness";

describe("the program as a first preview sees it (harness preview mode)", function () {
  this.timeout(60_000);

  it("leaves what AWS computes unknown but builds every IAM document from names and lookups", async () => {
    const resources = await runProgram({ stack: "dev", preview: true });
    const [fn] = ofType(resources, "aws:lambda/function:Function");
    expect(fn.wire.id).to.equal("");
    expect(fn.wire.outputs.arn).to.equal(pulumi.runtime.unknownValue);
    expect(fn.wire.inputs.role).to.equal(pulumi.runtime.unknownValue);
    const documents = ofType(resources, "aws:iam/rolePolicy:RolePolicy").map((p) => p.wire.inputs.policy);
    // collector, realtime, archiver, compaction, the compaction schedule, stats
    expect(documents).to.have.length(6);
    for (const document of documents) expect(document).to.be.a("string").and.not.equal(pulumi.runtime.unknownValue);
    const collector = JSON.parse(documents.find((d) => String(d).includes("WriteEvents")) as string);
    expect(collector.Statement[0].Resource).to.deep.equal(["arn:aws:dynamodb:us-east-1:123456789012:table/LiveInsight-dev-Events"]);
    expect(collector.Statement[3].Resource).to.deep.equal([
      "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/LiveInsight-dev-collector:*",
    ]);
  });

  it("records which resources a property was computed from", async () => {
    const resources = await runProgram({ stack: "dev", preview: true });
    const permission = ofType(resources, "aws:lambda/permission:Permission").find((p) => p.name === "api-events-permission")!;
    expect(permission.wire.inputs.sourceArn).to.equal(pulumi.runtime.unknownValue);
    expect(permission.wire.propertyDependencies.sourceArn).to.deep.equal([
      "urn:pulumi:dev::liveinsight::liveinsight:api:CollectorApi$aws:apigatewayv2/api:Api::api-http",
    ]);
  });
});
