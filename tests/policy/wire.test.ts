import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { engineValue, UNKNOWN, unmarshalProblem } from "../../scripts/lib/program-wire";

const SIG = pulumi.runtime.specialSigKey;
const ASSET = pulumi.runtime.specialAssetSig;
const ARCHIVE = pulumi.runtime.specialArchiveSig;
const SECRET = pulumi.runtime.specialSecretSig;

describe("scripts/lib/program-wire (the engine's form of property values)", () => {
  it("keeps an archive's assets and drops the SDK's marker keys", () => {
    const sdk = { [SIG]: ARCHIVE, __pulumiArchive: true, assets: { "index.js": { [SIG]: ASSET, __pulumiAsset: true, text: "x" } } };
    expect(engineValue(sdk)).to.deep.equal({ [SIG]: ARCHIVE, assets: { "index.js": { [SIG]: ASSET, text: "x" } } });
    expect(engineValue({ [SIG]: ARCHIVE, path: "./dist" })).to.deep.equal({ [SIG]: ARCHIVE, path: "./dist" });
  });

  it("sends a resource reference as its id, or its URN when it has none (no KeepResources)", () => {
    const ref = { [SIG]: pulumi.runtime.specialResourceSig, urn: "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b", id: "b-123" };
    expect(engineValue(ref)).to.equal("b-123");
    expect(engineValue({ ...ref, id: "" })).to.equal("urn:pulumi:dev::p::aws:s3/bucket:Bucket::b");
  });

  it("turns output values into plain, unknown or secret values; keeps secrets and unknowns", () => {
    const output = pulumi.runtime.specialOutputValueSig;
    expect(engineValue({ [SIG]: output, value: 3 })).to.equal(3);
    expect(engineValue({ [SIG]: output })).to.equal(UNKNOWN);
    expect(engineValue({ [SIG]: output, value: "s", secret: true })).to.deep.equal({ [SIG]: SECRET, value: "s" });
    expect(engineValue({ a: [UNKNOWN, { [SIG]: SECRET, value: 1 }] })).to.deep.equal({ a: [UNKNOWN, { [SIG]: SECRET, value: 1 }] });
  });

  it("finds the archive @pulumi/policy 1.21 returns from a remediation unreadable, as the engine does", () => {
    const sdkRemediation = { code: { [SIG]: ARCHIVE, assets: ["index.js"] }, memorySize: 3008 };
    const notAnAsset = "code: Expected an AssetArchive's assets to be unmarshaled Asset or Archive objects";
    expect(unmarshalProblem(sdkRemediation)).to.equal(notAnAsset);
    expect(unmarshalProblem({ code: { [SIG]: ARCHIVE, assets: { "index.js": "text" } } })).to.equal(notAnAsset);
    expect(unmarshalProblem({ code: { [SIG]: ARCHIVE, assets: { "index.js": { [SIG]: ASSET, text: "x" } } } })).to.equal(undefined);
    expect(unmarshalProblem({ code: { [SIG]: ARCHIVE, path: "./dist" } })).to.equal(undefined);
    expect(unmarshalProblem({ layers: [{ [SIG]: ASSET }] })).to.equal(
      "layers: Invalid asset encountered when unmarshaling resource property",
    );
  });
});
