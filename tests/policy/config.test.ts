import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { type DeclaredPolicy, mergePolicyConfig, PolicyConfigError, readPolicyConfigFile } from "../../scripts/policy/config";

const DECLARED: DeclaredPolicy[] = [
  {
    name: "memory",
    enforcementLevel: "mandatory",
    schema: { properties: { max: { type: "integer", maximum: 100 }, min: { type: "integer", default: 1 } }, required: [] },
  },
  { name: "logs", enforcementLevel: "advisory", schema: { properties: { days: { type: "integer" } }, required: [] } },
];

function file(content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
  const f = path.join(dir, "c.json");
  fs.writeFileSync(f, content);
  return f;
}

describe("scripts/policy/config (the CLI's policy config merge and schema check)", () => {
  it("without a file sends the schema defaults at each policy's declared level", () => {
    expect(mergePolicyConfig(DECLARED, undefined)).to.deep.equal({
      memory: { enforcementLevel: "mandatory", properties: { min: 1 } },
      logs: { enforcementLevel: "advisory", properties: {} },
    });
  });

  it("applies a policy's own level over `all` over the declared level, and merges properties over defaults", () => {
    const given = readPolicyConfigFile(
      file('{"all": "disabled", "memory": {"enforcementLevel": "remediate", "max": 50}, "logs": {"days": 3}}'),
    );
    expect(mergePolicyConfig(DECLARED, given, "c.json")).to.deep.equal({
      memory: { enforcementLevel: "remediate", properties: { min: 1, max: 50 } },
      logs: { enforcementLevel: "disabled", properties: { days: 3 } },
    });
  });

  it("names the file, the key and the fix for each kind of bad input", () => {
    const bad = (text: string) => {
      try {
        mergePolicyConfig(DECLARED, readPolicyConfigFile(file(text)), "c.json");
      } catch (e) {
        expect(e).to.be.instanceOf(PolicyConfigError);
        return (e as Error).message.replace(/^.*c\.json/, "c.json");
      }
      throw new Error("no error");
    };
    expect(bad('{"cpu": {}}')).to.equal('c.json: "cpu" is not a policy of this pack; remove it or use one of: memory, logs.');
    expect(bad('{"memory": {"max": "big"}}')).to.equal('c.json: "memory.max" must be of type integer; fix its value.');
    expect(bad('{"memory": {"max": 500}}')).to.equal('c.json: "memory.max" must be <= 100; fix its value.');
    expect(bad('{"memory": {"maxx": 5}}')).to.equal(
      'c.json: "memory" has unknown setting "maxx"; remove it (see the policy\'s configSchema for the settings it takes).',
    );
    expect(bad('{"memory": "strict"}')).to.equal(
      'c.json: "memory" has enforcementLevel "strict"; use one of advisory, mandatory, remediate, disabled.',
    );
    expect(bad("{not json")).to.match(/^c\.json is not valid JSON \(.*\); pass a JSON object keyed by policy name\.$/);
    expect(bad("[1]")).to.equal("c.json must hold a JSON object keyed by policy name.");
  });

  it("reports a missing file", () => {
    expect(() => readPolicyConfigFile("/nonexistent/x.json")).to.throw(
      PolicyConfigError,
      "/nonexistent/x.json does not exist; pass a JSON object keyed by policy name.",
    );
  });
});
