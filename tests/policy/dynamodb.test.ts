import { expect } from "chai";
import { DEV_TAGS, messagesOf, stackWith } from "./fixtures";

type Props = Record<string, any>;
const PROD = { requirePointInTimeRecovery: true, requireDeletionProtection: true, requireProtect: true };
const DEV = { requirePointInTimeRecovery: false, requireDeletionProtection: false, requireProtect: false };

describe("policy dynamodb-table-data-protection", () => {
  const check = (edit?: (p: Props, spec: { protect?: boolean }) => void, config: Props = PROD) =>
    messagesOf("dynamodb-table-data-protection", stackWith("events", edit), config);

  it("passes the compliant stack", async () => {
    expect(await check()).to.deep.equal([]);
  });

  it("requires point-in-time recovery", async () => {
    expect(
      await check((p) => {
        p.pointInTimeRecovery.enabled = false;
      }),
    ).to.deep.equal(['DynamoDB table "events" has pointInTimeRecovery.enabled false; the required value is true.']);
    expect(
      await check((p) => {
        delete p.pointInTimeRecovery;
      }),
    ).to.deep.equal([
      'DynamoDB table "events" does not set pointInTimeRecovery.enabled, so AWS uses its default of false; the required value is true.',
    ]);
  });

  it("requires deletion protection", async () => {
    expect(
      await check((p) => {
        delete p.deletionProtectionEnabled;
      }),
    ).to.deep.equal([
      'DynamoDB table "events" does not set deletionProtectionEnabled, so AWS uses its default of false; the required value is true.',
    ]);
  });

  it("requires the protect resource option when configured", async () => {
    expect(
      await check((_p, spec) => {
        spec.protect = false;
      }),
    ).to.deep.equal(['DynamoDB table "events" has resource option protect false; the required value is true.']);
    const unprotected = stackWith("events", (_p, spec) => {
      spec.protect = false;
    });
    expect(await messagesOf("dynamodb-table-data-protection", unprotected, {}, DEV_TAGS)).to.deep.equal([]);
  });

  it("requires nothing when the stack config switches every check off (dev)", async () => {
    expect(
      await check((p, spec) => {
        delete p.pointInTimeRecovery;
        delete p.deletionProtectionEnabled;
        spec.protect = false;
      }, DEV),
    ).to.deep.equal([]);
  });
});
