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

  it("docs/policy.md's workload table states each profile's timeout range and the memory range, as the profiles hold them", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "policy.md"), "utf8");
    const rows = [...doc.matchAll(/^\| (untagged \(API\)|`batch`|`query`) +\|[^|]+\|[^|]+\| ([\d–]+ s) +\| ([\d–]+ s) +\|$/gm)];
    const keys = { "untagged (API)": "", "`batch`": "Batch", "`query`": "Query" } as Record<string, string>;
    expect(rows.map((r) => r[1])).to.deep.equal(Object.keys(keys));
    for (const [, workload, dev, prod] of rows) {
      const range = (profile: "dev" | "prod") => {
        const t = PROFILES[profile]["lambda-function-timeout-range"] as Record<string, number>;
        return `${t[`min${keys[workload!]}TimeoutSeconds`]}–${t[`max${keys[workload!]}TimeoutSeconds`]} s`;
      };
      expect([dev, prod], workload).to.deep.equal([range("dev"), range("prod")]);
    }
    const memory = (profile: "dev" | "prod") => {
      const m = PROFILES[profile]["lambda-function-memory-range"] as Record<string, number>;
      const ranges = new Set(["", "Batch", "Query"].map((w) => `${m[`min${w}MemoryMb`]}–${m[`max${w}MemoryMb`]} MB`));
      expect(ranges.size, `${profile}: one memory range for every workload, as the doc says`).to.equal(1);
      return [...ranges][0];
    };
    expect(doc).to.include(`Memory is ${memory("dev")} in dev and ${memory("prod")} in prod for every workload.`);
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
