import { expect } from "chai";
import { goodSpecs, messagesOf, stackWith, toResources } from "./fixtures";

type Props = Record<string, any>;
const NAME = "iam-policy-no-wildcards";
const TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/LiveInsight-test-Events";

function withStatement(statement: Props) {
  return stackWith("collector-policy", (p) => {
    p.policy = JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
  });
}

describe("policy iam-policy-no-wildcards", () => {
  it("passes the compliant stack", async () => {
    expect(await messagesOf(NAME, stackWith())).to.deep.equal([]);
  });

  it('rejects the action "*"', async () => {
    expect(await messagesOf(NAME, withStatement({ Effect: "Allow", Action: "*", Resource: TABLE }))).to.deep.equal([
      'IAM role policy "collector-policy" statement 1 allows action "*"; wildcard actions ("*", "<service>:*" or partial ones such as "s3:Get*") are not allowed, list the exact actions.',
    ]);
  });

  it("rejects a whole-service action such as dynamodb:*", async () => {
    expect(
      await messagesOf(NAME, withStatement({ Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:*"], Resource: [TABLE] })),
    ).to.deep.equal([
      'IAM role policy "collector-policy" statement 1 allows action "dynamodb:*"; wildcard actions ("*", "<service>:*" or partial ones such as "s3:Get*") are not allowed, list the exact actions.',
    ]);
  });

  it("rejects a partial action wildcard such as s3:Get*", async () => {
    expect(await messagesOf(NAME, withStatement({ Effect: "Allow", Action: ["s3:Get*"], Resource: [TABLE] }))).to.deep.equal([
      'IAM role policy "collector-policy" statement 1 allows action "s3:Get*"; wildcard actions ("*", "<service>:*" or partial ones such as "s3:Get*") are not allowed, list the exact actions.',
    ]);
  });

  it('rejects the resource "*"', async () => {
    expect(await messagesOf(NAME, withStatement({ Effect: "Allow", Action: ["dynamodb:PutItem"], Resource: "*" }))).to.deep.equal([
      'IAM role policy "collector-policy" statement 1 allows resource "*"; wildcard resources are not allowed, list the exact ARNs.',
    ]);
  });

  it("rejects NotAction and NotResource in an Allow", async () => {
    expect(await messagesOf(NAME, withStatement({ Effect: "Allow", NotAction: "iam:*", NotResource: TABLE }))).to.deep.equal([
      'IAM role policy "collector-policy" statement 1 uses NotAction in an Allow, which allows every other action; list the exact actions with Action.',
      'IAM role policy "collector-policy" statement 1 uses NotResource in an Allow, which allows every other resource; list the exact ARNs with Resource.',
    ]);
  });

  it("accepts wildcards in a Deny", async () => {
    expect(await messagesOf(NAME, withStatement({ Effect: "Deny", Action: "*", Resource: "*" }))).to.deep.equal([]);
  });

  it('lets configured actions without resource-level permissions use Resource "*"', async () => {
    const resources = withStatement({ Effect: "Allow", Action: "xray:PutTraceSegments", Resource: "*" });
    expect(await messagesOf(NAME, resources, { allowedResourceWildcardActions: ["xray:PutTraceSegments"] })).to.deep.equal([]);
    expect(await messagesOf(NAME, resources)).to.have.length(1);
  });

  it("reads a document given as an object and a single statement", async () => {
    const resources = stackWith("collector-policy", (p) => {
      p.policy = { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" } };
    });
    expect(await messagesOf(NAME, resources)).to.deep.equal([
      'IAM role policy "collector-policy" statement 1 allows action "s3:*"; wildcard actions ("*", "<service>:*" or partial ones such as "s3:Get*") are not allowed, list the exact actions.',
    ]);
  });

  it("reports a document that is not JSON", async () => {
    expect(
      await messagesOf(
        NAME,
        stackWith("collector-policy", (p) => {
          p.policy = "{not json";
        }),
      ),
    ).to.deep.equal([
      'IAM role policy "collector-policy" has a policy document that is not valid JSON; a JSON IAM policy document is required.',
    ]);
  });

  it("checks managed policies and role inline policies too", async () => {
    const specs = goodSpecs();
    const document = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "logs:*", Resource: "*" }] });
    specs["ops-policy"] = { type: "aws:iam/policy:Policy", props: { policy: document } };
    specs["ops-role"] = {
      type: "aws:iam/role:Role",
      props: { assumeRolePolicy: "{}", inlinePolicies: [{ name: "ops", policy: document }] },
    };
    expect(await messagesOf(NAME, toResources(specs))).to.deep.equal([
      'IAM policy "ops-policy" statement 1 allows action "logs:*"; wildcard actions ("*", "<service>:*" or partial ones such as "s3:Get*") are not allowed, list the exact actions.',
      'IAM policy "ops-policy" statement 1 allows resource "*"; wildcard resources are not allowed, list the exact ARNs.',
      'IAM role "ops-role" inline policy "ops" statement 1 allows action "logs:*"; wildcard actions ("*", "<service>:*" or partial ones such as "s3:Get*") are not allowed, list the exact actions.',
      'IAM role "ops-role" inline policy "ops" statement 1 allows resource "*"; wildcard resources are not allowed, list the exact ARNs.',
    ]);
  });
});
