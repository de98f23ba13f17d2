import { expect } from "chai";
import { messagesOf, stackWith } from "./fixtures";

type Props = Record<string, any>;

describe("policy cloudwatch-log-group-retention", () => {
  const PROD = { minRetentionDays: 7, maxRetentionDays: 400 };
  const check = (edit?: (p: Props) => void, config: Props = PROD) =>
    messagesOf("cloudwatch-log-group-retention", stackWith("collector-logs", edit), config);

  it("passes the compliant stack", async () => {
    expect(await check()).to.deep.equal([]);
  });

  it("judges a missing retention as never expiring", async () => {
    expect(
      await check((p) => {
        delete p.retentionInDays;
      }),
    ).to.deep.equal([
      'CloudWatch log group "collector-logs" does not set retentionInDays, so its events never expire; the allowed range is 7 to 400 days.',
    ]);
  });

  it("treats retentionInDays 0 as never expiring", async () => {
    expect(
      await check((p) => {
        p.retentionInDays = 0;
      }),
    ).to.deep.equal([
      'CloudWatch log group "collector-logs" has retentionInDays 0, so its events never expire; the allowed range is 7 to 400 days.',
    ]);
  });

  it("rejects retention above the maximum", async () => {
    expect(
      await check((p) => {
        p.retentionInDays = 3653;
      }),
    ).to.deep.equal(['CloudWatch log group "collector-logs" has retentionInDays 3653 days; the allowed range is 7 to 400 days.']);
  });

  it("rejects retention below the minimum", async () => {
    expect(
      await check((p) => {
        p.retentionInDays = 3;
      }),
    ).to.deep.equal(['CloudWatch log group "collector-logs" has retentionInDays 3 days; the allowed range is 7 to 400 days.']);
  });
});
