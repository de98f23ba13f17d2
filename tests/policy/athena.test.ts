import { expect } from "chai";
import { DEV_TAGS, messagesOf, stackWith } from "./fixtures";

const POLICY = "athena-workgroup-enforcement";
const WHO = 'Athena workgroup "workgroup"';
const MB = 1_048_576;

describe("policy athena-workgroup-enforcement", () => {
  const check = (edit?: (p: Record<string, any>) => void, tags?: ReadonlyMap<string, string>) =>
    messagesOf(POLICY, stackWith("workgroup", edit), {}, tags);

  it("passes the compliant stack", async () => {
    expect(await check()).to.deep.equal([]);
  });

  it("requires the workgroup to enforce its configuration", async () => {
    expect(
      await check((p) => {
        p.configuration.enforceWorkgroupConfiguration = false;
      }),
    ).to.deep.equal([`${WHO} has configuration.enforceWorkgroupConfiguration false; the required value is true.`]);
  });

  it("requires a result location", async () => {
    expect(
      await check((p) => {
        delete p.configuration.resultConfiguration;
      }),
    ).to.deep.equal([
      `${WHO} does not set configuration.resultConfiguration.outputLocation; a result location in a bucket with a short lifecycle is required.`,
    ]);
  });

  it("requires a bytes-scanned cutoff, within the profile's maximum (prod 100 GB, dev 10 GB)", async () => {
    expect(
      await check((p) => {
        delete p.configuration.bytesScannedCutoffPerQuery;
      }),
    ).to.deep.equal([
      `${WHO} does not set configuration.bytesScannedCutoffPerQuery, so a query may scan without limit; the allowed range is 10 to 102400 MB (10485760 to 107374182400 bytes).`,
    ]);
    expect(
      await check((p) => {
        p.configuration.bytesScannedCutoffPerQuery = 20480 * MB;
      }, DEV_TAGS),
    ).to.deep.equal([
      `${WHO} has configuration.bytesScannedCutoffPerQuery 21474836480 bytes; the allowed range is 10485760 to 10737418240 bytes.`,
    ]);
  });
});
