import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { PROFILES, profileOf } from "../../policy/lib/profiles";

const thresholds = (file: string) => {
  const config = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "policy", "config", file), "utf8"));
  return Object.fromEntries(
    Object.entries(config as Record<string, unknown>)
      .filter(([, v]) => typeof v === "object")
      .map(([k, v]) => [k, Object.fromEntries(Object.entries(v as object).filter(([key]) => key !== "enforcementLevel"))])
      .filter(([, v]) => Object.keys(v).length > 0),
  );
};

describe("policy stack profiles", () => {
  it("prod's thresholds equal policy/config/prod.json and dev's policy/config/dev.json", () => {
    expect(PROFILES.prod).to.deep.equal(thresholds("prod.json"));
    expect(PROFILES.dev).to.deep.equal(thresholds("dev.json"));
  });

  it("keeps policy-exemptions advisory under every committed config, so an exemption never blocks an update", () => {
    for (const file of ["dev.json", "prod.json"]) {
      const config = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "policy", "config", file), "utf8"));
      expect(config["policy-exemptions"] ?? config.all, file).to.equal("advisory");
    }
  });

  it("caps the prod timeout below the 12 s integration timeout", () => {
    expect(PROFILES.prod["lambda-function-timeout-range"].maxTimeoutSeconds).to.equal(11);
  });

  it("takes the tag first, then a dev* stack name, and fails closed to prod", () => {
    const saved = process.env.PULUMI_STACK;
    try {
      process.env.PULUMI_STACK = "dev-alice";
      expect(profileOf(new Map())).to.equal("dev");
      expect(profileOf(new Map([["liveinsight:environment", "prod"]]))).to.equal("prod");
      expect(profileOf(new Map([["liveinsight:environment", "staging"]]))).to.equal("prod");
      process.env.PULUMI_STACK = "qa";
      expect(profileOf(new Map())).to.equal("prod");
      expect(profileOf(new Map([["liveinsight:environment", "dev"]]))).to.equal("dev");
    } finally {
      if (saved === undefined) delete process.env.PULUMI_STACK;
      else process.env.PULUMI_STACK = saved;
    }
  });
});
