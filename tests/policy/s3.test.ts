import { expect } from "chai";
import { goodSpecs, messagesOf, stackWith, toResources, UNKNOWN, urnOf } from "./fixtures";

const POLICY = "s3-bucket-protections";
const WHO = 'S3 bucket "archive"';

describe("policy s3-bucket-protections", () => {
  const check = (name?: string, edit?: (p: Record<string, any>) => void) => messagesOf(POLICY, stackWith(name, edit));

  it("passes the compliant stack (public access blocked, SSE stated, TLS-only policy, expiring lifecycle)", async () => {
    expect(await check()).to.deep.equal([]);
  });

  it("names every public-access flag that is not true", async () => {
    expect(
      await check("archive-public-access-block", (p) => {
        p.blockPublicPolicy = false;
        delete p.restrictPublicBuckets;
      }),
    ).to.deep.equal([
      `${WHO} has no public access block setting blockPublicPolicy, restrictPublicBuckets to true; a BucketPublicAccessBlock with all four set to true is required.`,
    ]);
  });

  it("requires a stated default encryption", async () => {
    expect(
      await check("archive-encryption", (p) => {
        p.bucket = "some-other-bucket";
      }),
    ).to.deep.equal([
      `${WHO} has no BucketServerSideEncryptionConfiguration; default encryption (SSE-S3 "AES256" or "aws:kms") must be stated.`,
    ]);
  });

  it("requires a Deny of requests without TLS (an Allow-only policy does not count)", async () => {
    expect(
      await check("archive-policy", (p) => {
        const doc = JSON.parse(p.policy);
        doc.Statement[0].Condition = { Bool: { "aws:SecureTransport": "true" } };
        p.policy = JSON.stringify(doc);
      }),
    ).to.deep.equal([
      `${WHO} has no bucket policy denying requests without TLS; one statement must Deny Principal "*" when aws:SecureTransport is "false".`,
    ]);
  });

  it("requires an enabled lifecycle rule that expires objects", async () => {
    expect(
      await check("archive-lifecycle", (p) => {
        p.rules[0].status = "Disabled";
      }),
    ).to.deep.equal([`${WHO} has no enabled lifecycle rule with an expiration; its objects would be kept (and billed) forever.`]);
  });

  it("matches companions by dependency when the bucket's name is unknown (a first preview)", async () => {
    const specs = goodSpecs();
    specs.archive.props.bucket = UNKNOWN;
    for (const companion of ["archive-public-access-block", "archive-encryption", "archive-policy", "archive-lifecycle"]) {
      specs[companion].props.bucket = UNKNOWN;
      specs[companion].propertyDependencies = { bucket: [urnOf("aws:s3/bucket:Bucket", "archive")] };
    }
    expect(await messagesOf(POLICY, toResources(specs))).to.deep.equal([]);
  });
});
