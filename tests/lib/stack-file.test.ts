import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { projectDefaults, StackFileError, stackSettings } from "../../lib/stack-file";

describe("lib/stack-file", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "li-stackfile-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the documented defaults of the repo's Pulumi.yaml", () => {
    const defaults = projectDefaults();
    expect([defaults.eventRetentionDays, defaults.sdkMaxAttempts, defaults.sdkRetryMode, defaults.logRetentionDays]).to.deep.equal([
      90,
      3,
      "standard",
      30,
    ]);
  });

  it("reads a stack file's liveinsight: settings, leaving out secrets (unless asked for) and other namespaces", () => {
    writeFileSync(
      path.join(dir, "Pulumi.qa.yaml"),
      "config:\n  aws:region: eu-west-1\n  liveinsight:memorySize: 512\n  liveinsight:alarmEmail:\n    secure: AAAB\n",
    );
    expect(stackSettings("qa", dir)).to.deep.equal({ memorySize: 512 });
    expect(stackSettings("qa", dir, true)).to.deep.equal({ memorySize: 512, alarmEmail: { secure: "AAAB" } });
  });

  it("names the missing or broken file in one sentence", () => {
    expect(() => stackSettings("nope", dir)).to.throw(StackFileError, `Pulumi.nope.yaml does not exist in ${dir}.`);
    writeFileSync(path.join(dir, "Pulumi.bad.yaml"), "config: [\n");
    expect(() => stackSettings("bad", dir)).to.throw(StackFileError, /^Pulumi\.bad\.yaml is not valid YAML: /);
  });
});
