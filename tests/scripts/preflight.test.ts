import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { GetRoleCommand, SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import { GetAccountSettingsCommand, GetFunctionConcurrencyCommand, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { expect } from "chai";
import { REPO_ROOT } from "../../scripts/lib/program-harness";
import { main, type PreflightIo } from "../../scripts/preflight";
import type { PreflightClients, Sender } from "../../scripts/preflight/aws";

interface StubAccount {
  limit: number;
  unreserved: number;
  reserved?: Record<string, number>;
  credentialsError?: Error;
  /** The caller's ARN (default: a session of the role ci/deployer). */
  callerArn?: string;
  /** Actions the policy simulator denies; `simulatorError` fails GetRole and SimulatePrincipalPolicy. */
  denied?: string[];
  simulatorError?: Error;
  /** Fails every Lambda call. */
  lambdaError?: Error;
}

const ROLE_SESSION = "arn:aws:sts::111122223333:assumed-role/deployer/me";
const ROLE_ARN = "arn:aws:iam::111122223333:role/ci/deployer";
const LOG_DELIVERY = (
  JSON.parse(readFileSync(path.join(REPO_ROOT, "docs/deploy-policy.json"), "utf8")) as {
    Statement: { Sid: string; Action: string[] }[];
  }
).Statement.find((s) => s.Sid === "AccessLogDelivery")!.Action;

/** Stub SDK senders: answer by command class, as the real clients would, and record every call. */
function stubClients(account: StubAccount, calls: string[], simulated: string[] = []): PreflightClients {
  const sts: Sender = {
    async send(command) {
      calls.push(command.constructor.name);
      if (!(command instanceof GetCallerIdentityCommand)) throw new Error(`unexpected ${command.constructor.name}`);
      if (account.credentialsError) throw account.credentialsError;
      return { Account: "111122223333", Arn: account.callerArn ?? ROLE_SESSION };
    },
  };
  const iam: Sender = {
    async send(command) {
      calls.push(command.constructor.name);
      if (account.simulatorError) throw account.simulatorError;
      if (command instanceof GetRoleCommand) {
        if (command.input.RoleName !== "deployer") throw new Error(`unexpected role ${command.input.RoleName}`);
        return { Role: { RoleName: "deployer", Arn: ROLE_ARN } };
      }
      if (command instanceof SimulatePrincipalPolicyCommand) {
        simulated.push(command.input.PolicySourceArn!);
        const decision = (a: string) => (account.denied?.includes(a) ? "implicitDeny" : "allowed");
        return { EvaluationResults: command.input.ActionNames!.map((a) => ({ EvalActionName: a, EvalDecision: decision(a) })) };
      }
      throw new Error(`unexpected ${command.constructor.name}`);
    },
  };
  const lambda: Sender = {
    async send(command) {
      calls.push(command.constructor.name);
      if (account.lambdaError) throw account.lambdaError;
      if (command instanceof GetAccountSettingsCommand) {
        return { AccountLimit: { ConcurrentExecutions: account.limit, UnreservedConcurrentExecutions: account.unreserved } };
      }
      if (command instanceof GetFunctionConcurrencyCommand) {
        const name = command.input.FunctionName!;
        if (account.reserved?.[name] === undefined)
          throw new ResourceNotFoundException({ message: `Function not found: ${name}`, $metadata: {} });
        return { ReservedConcurrentExecutions: account.reserved[name] };
      }
      throw new Error(`unexpected ${command.constructor.name}`);
    },
  };
  return { sts, lambda, iam };
}

/** Every directory rootWith made; removed after the suite, so a run leaves nothing in the temp dir. */
const roots: string[] = [];

/** A repo root holding one stack file: the committed one, edited by `edit`. */
function rootWith(stack: string, edit: (text: string) => string = (t) => t, from = stack): string {
  const dir = mkdtempSync(path.join(tmpdir(), "preflight-"));
  roots.push(dir);
  writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), edit(readFileSync(path.join(REPO_ROOT, `Pulumi.${from}.yaml`), "utf8")));
  return dir;
}

async function run(argv: string[], root: string, account: StubAccount) {
  const out: string[] = [];
  const calls: string[] = [];
  const regions: string[] = [];
  const simulated: string[] = [];
  const io: PreflightIo = {
    root,
    out: (l) => out.push(l),
    clients: (region) => (regions.push(region), stubClients(account, calls, simulated)),
  };
  const code = await main(argv, io);
  return { code, out, calls, regions, simulated };
}

/** The committed prod stack's alarm e-mail and site hosts made real. */
const REAL_EMAIL = (t: string) =>
  t
    .replace("oncall@example.com", "oncall@liveinsight.io")
    .replace("- www.example.com", "- www.liveinsight.io")
    .replace("- example.com", "- liveinsight.io");
/** The committed prod stack with its placeholders (alarm e-mail, CORS origins) made real. */
const REAL = (t: string) =>
  REAL_EMAIL(t).replace("https://www.example.com", "https://www.liveinsight.io").replace("https://example.com", "https://liveinsight.io");
/** The prod stack made real, its CORS origins replaced by `origins`. */
const withOrigins = (origins: string[]) => (t: string) =>
  REAL_EMAIL(t).replace(
    /liveinsight:corsOrigins:\n( {4}- .*\n)+/,
    `liveinsight:corsOrigins:\n${origins.map((o) => `    - "${o}"\n`).join("")}`,
  );
const BIG: StubAccount = { limit: 1000, unreserved: 1000 };

describe("npm run preflight (stub AWS clients, never AWS)", () => {
  after(() => {
    for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("passes the prod stack on a 1000-quota account once the alarm e-mail is real: exit 0", async () => {
    const r = await run(["--stack", "prod"], rootWith("prod", REAL), BIG);
    expect(r.code).to.equal(0);
    expect(r.regions).to.deep.equal(["us-east-1"]);
    expect(r.calls.sort()).to.deep.equal([
      "GetAccountSettingsCommand",
      "GetCallerIdentityCommand",
      "GetFunctionConcurrencyCommand",
      "GetFunctionConcurrencyCommand",
      "GetRoleCommand",
      "SimulatePrincipalPolicyCommand",
    ]);
    // The simulator gets the role's own ARN, path included, never the session's.
    expect(r.simulated).to.deep.equal([ROLE_ARN]);
    expect(r.out).to.deep.equal([
      "ok   region       Region us-east-1 (aws:region in Pulumi.prod.yaml).",
      "ok   alarm-email  Alarm e-mail oncall@liveinsight.io (confirm the subscription AWS mails after the first deploy).",
      'ok   cors-origins CORS origins "https://www.liveinsight.io", "https://liveinsight.io".',
      'ok   sites        Sites "www" (liveinsight.io, www.liveinsight.io).',
      "ok   identity     Deploying as arn:aws:sts::111122223333:assumed-role/deployer/me in account 111122223333.",
      "ok   concurrency  Reserving 50 for each of 2 functions leaves 900 of account 111122223333's quota of 1000 unreserved (AWS requires 100).",
      `ok   log-delivery The caller may set up the stage's access-log delivery (${LOG_DELIVERY.length} actions, by IAM's policy simulator).`,
      "Stack prod is ready for `pulumi up`.",
    ]);
  });

  it("fails the committed prod stack for its placeholder e-mail and CORS origins, and a small quota, one sentence each with its fix: exit 1", async () => {
    const r = await run(["--stack", "prod"], rootWith("prod"), { limit: 150, unreserved: 150 });
    expect(r.code).to.equal(1);
    expect(r.out.filter((l) => l.startsWith("FAIL"))).to.deep.equal([
      'FAIL alarm-email  liveinsight:alarmEmail in Pulumi.prod.yaml is the placeholder "oncall@example.com" (example.com never receives mail); ' +
        "set a real on-call address with `pulumi config set liveinsight:alarmEmail <address> --stack prod`.",
      'FAIL cors-origins liveinsight:corsOrigins in Pulumi.prod.yaml lists the placeholder origin(s) "https://www.example.com", "https://example.com" ' +
        "(RFC 2606 reserves these names; no real page is served from them, so real pages' requests would fail CORS); " +
        "list the origins of the sites that load the tracker in liveinsight:corsOrigins in Pulumi.prod.yaml, e.g. " +
        "`pulumi config set --path 'liveinsight:corsOrigins[0]' https://www.yoursite.com --stack prod` (one index per origin).",
      'FAIL sites        liveinsight:sites in Pulumi.prod.yaml: site "www" lists the placeholder host(s) "example.com", "www.example.com" ' +
        "(RFC 2606 reserves these names; no real page is served from them, so every real page's events would be refused with 403); " +
        "list the hosts your pages are served from in liveinsight:sites in Pulumi.prod.yaml (docs/sites.md).",
      "FAIL concurrency  Reserving 50 for each of 2 functions needs 200 of account 111122223333's concurrency (100 + 100 AWS keeps unreserved) " +
        'but only 150 is available (quota 150), so `pulumi up` would fail; request a higher "Concurrent executions" quota in Service Quotas (AWS Lambda) ' +
        "or lower liveinsight:reservedConcurrency in Pulumi.prod.yaml to at most 25.",
    ]);
    expect(r.out.at(-1)).to.equal("4 problem(s) to fix before `pulumi up --stack prod`.");
    // docs/deploy.md shows this very output.
    const doc = readFileSync(path.join(REPO_ROOT, "docs/deploy.md"), "utf8");
    expect(/Example preflight output[\s\S]*?```text\n([\s\S]*?)\n```/.exec(doc)?.[1]?.split("\n")).to.deep.equal(r.out);
  });

  it("refuses every RFC 2606 placeholder origin, wildcards and ports included, naming the setting and the stack file", async () => {
    const placeholders = [
      "https://example.org",
      "https://shop.example.net:8443",
      "https://*.example.com",
      "https://app.example",
      "http://staging.test",
      "https://site.invalid",
    ];
    for (const origin of placeholders) {
      const r = await run(["--stack", "prod"], rootWith("prod", withOrigins(["https://www.liveinsight.io", origin])), BIG);
      expect(r.code, origin).to.equal(1);
      const fails = r.out.filter((l) => l.startsWith("FAIL"));
      expect(fails, origin).to.have.length(1);
      expect(fails[0], origin).to.match(
        new RegExp(
          `^FAIL cors-origins liveinsight:corsOrigins in Pulumi\\.prod\\.yaml lists the placeholder origin\\(s\\) "${origin.replace(/[.*]/g, "\\$&")}" \\(RFC 2606`,
        ),
      );
    }
  });

  it('accepts real origins that merely contain a reserved word, and "*"', async () => {
    for (const origins of [["https://example.company.com", "https://www.mytest.io", "https://examples.org"], ["*"]]) {
      const r = await run(["--stack", "prod"], rootWith("prod", withOrigins(origins)), BIG);
      expect(r.code, origins.join()).to.equal(0);
      expect(
        r.out.find((l) => l.includes("cors-origins")),
        origins.join(),
      ).to.match(/^ok {3}cors-origins CORS origins /);
    }
  });

  it("refuses a stack without sites, a placeholder host under a wildcard, and a localhost host outside dev", async () => {
    const sitesLine = async (stack: string, edit: (t: string) => string) =>
      (
        await run(
          ["--stack", stack],
          rootWith(stack, (t) => edit(REAL(t))),
          BIG,
        )
      ).out.find((l) => l.includes(" sites "));
    const noSites = (t: string) => t.replace(/ {2}liveinsight:sites:\n( {4}.*\n)+/, "");
    expect(await sitesLine("prod", noSites)).to.equal(
      "FAIL sites        Pulumi.prod.yaml sets no liveinsight:sites, so the collector refuses every event (UnknownSite); list the hosts your pages are served from in liveinsight:sites in Pulumi.prod.yaml (docs/sites.md).",
    );
    expect(await sitesLine("prod", (t) => t.replace("- www.liveinsight.io", '- "*.shop.example.org"'))).to.match(
      /^FAIL sites {8}liveinsight:sites in Pulumi\.prod\.yaml: site "www" lists the placeholder host\(s\) "\*\.shop\.example\.org" \(RFC 2606/,
    );
    expect(await sitesLine("prod", (t) => t.replace("- www.liveinsight.io", "- localhost:8080"))).to.match(
      /^FAIL sites {8}liveinsight:sites in Pulumi\.prod\.yaml: site "www" lists "localhost:8080", pages on the visitor's own machine, which only a dev\* stack may allow/,
    );
    expect(await sitesLine("dev", (t) => t)).to.equal('ok   sites        Sites "dev" (localhost, 127.0.0.1).');
  });

  it("refuses a localhost origin on a non-dev stack and allows it on a dev stack", async () => {
    const local = ["http://localhost:8080", "http://127.0.0.1:5173", "http://app.localhost"];
    const prod = await run(["--stack", "prod"], rootWith("prod", withOrigins(local)), BIG);
    expect(prod.out.filter((l) => l.startsWith("FAIL"))).to.deep.equal([
      'FAIL cors-origins liveinsight:corsOrigins in Pulumi.prod.yaml lists "http://localhost:8080", "http://127.0.0.1:5173", "http://app.localhost", ' +
        "pages on the visitor's own machine, which only a dev* stack may allow; list the origins of the sites that load the tracker in " +
        "liveinsight:corsOrigins in Pulumi.prod.yaml, e.g. `pulumi config set --path 'liveinsight:corsOrigins[0]' https://www.yoursite.com --stack prod` (one index per origin).",
    ]);
    const dev = await run(
      ["--stack", "dev"],
      rootWith("dev", (t) => t.replace('    - "*"', local.map((o) => `    - "${o}"`).join("\n"))),
      BIG,
    );
    expect(dev.code).to.equal(0);
    expect(dev.out).to.include('ok   cors-origins CORS origins "http://localhost:8080", "http://127.0.0.1:5173", "http://app.localhost".');
  });

  it("counts the stack's own current reservations as available (a redeploy frees them first)", async () => {
    const reserved = { "LiveInsight-prod-collector": 50, "LiveInsight-prod-realtime": 50 };
    const r = await run(["--stack", "prod"], rootWith("prod", REAL), { limit: 200, unreserved: 100, reserved });
    expect(r.code).to.equal(0);
    expect(r.out).to.include(
      "ok   concurrency  Reserving 50 for each of 2 functions leaves 100 of account 111122223333's quota of 200 unreserved (AWS requires 100).",
    );
  });

  it("a new account with a quota of 10 is told to leave the functions unreserved", async () => {
    const r = await run(["--stack", "prod"], rootWith("prod", REAL), { limit: 10, unreserved: 10 });
    expect(r.code).to.equal(1);
    expect(r.out.find((l) => l.startsWith("FAIL"))).to.match(
      /only 10 is available \(quota 10\).*or set liveinsight:reservedConcurrency to -1 in Pulumi\.prod\.yaml\.$/,
    );
  });

  it("passes dev (unreserved, no e-mail) without reading function reservations", async () => {
    const r = await run(["--stack", "dev"], rootWith("dev"), { limit: 10, unreserved: 10 });
    expect(r.code).to.equal(0);
    expect(r.out).to.include(
      "ok   concurrency  The functions reserve no concurrency (liveinsight:reservedConcurrency -1); account 111122223333's quota is 10.",
    );
    expect(r.out).to.include("ok   alarm-email  No alarm e-mail (allowed for a dev stack): alarms reach the SNS topic only.");
    expect(r.calls.sort()).to.deep.equal([
      "GetAccountSettingsCommand",
      "GetCallerIdentityCommand",
      "GetRoleCommand",
      "SimulatePrincipalPolicyCommand",
    ]);
  });

  it("names the log-delivery actions the simulator denies, with the statement that grants them: exit 1", async () => {
    const r = await run(["--stack", "prod"], rootWith("prod", REAL), {
      ...BIG,
      denied: ["logs:CreateLogDelivery", "logs:PutResourcePolicy"],
    });
    expect(r.code).to.equal(1);
    expect(r.out.filter((l) => l.startsWith("FAIL"))).to.deep.equal([
      "FAIL log-delivery The caller may not logs:CreateLogDelivery, logs:PutResourcePolicy, which the stage's access logs need, " +
        'so `pulumi up` would stop at the stage with "Insufficient permissions to enable logging"; ' +
        "add the AccessLogDelivery statement of docs/deploy-policy.json to the deploying role.",
    ]);
  });

  it("simulates an IAM user's own ARN, and does not simulate the root user", async () => {
    const user = "arn:aws:iam::111122223333:user/alice";
    const asUser = await run(["--stack", "prod"], rootWith("prod", REAL), { ...BIG, callerArn: user });
    expect([asUser.code, asUser.simulated, asUser.calls.includes("GetRoleCommand")]).to.deep.equal([0, [user], false]);
    const asRoot = await run(["--stack", "prod"], rootWith("prod", REAL), { ...BIG, callerArn: "arn:aws:iam::111122223333:root" });
    expect(asRoot.code).to.equal(0);
    expect(asRoot.simulated).to.deep.equal([]);
    expect(asRoot.out).to.include(
      "ok   log-delivery The root user: no IAM policy limits it (better: deploy with a role holding docs/deploy-policy.json).",
    );
  });

  it("says which permissions the simulator itself needs when IAM refuses it", async () => {
    const error = Object.assign(new Error("not authorized to perform: iam:SimulatePrincipalPolicy"), { name: "AccessDenied" });
    const r = await run(["--stack", "prod"], rootWith("prod", REAL), { ...BIG, simulatorError: error });
    expect(r.code).to.equal(1);
    expect(r.out.filter((l) => l.startsWith("FAIL"))).to.deep.equal([
      "FAIL log-delivery Could not check the access-log permissions with IAM's policy simulator (AccessDenied: not authorized to perform: iam:SimulatePrincipalPolicy); " +
        "allow iam:GetRole and iam:SimulatePrincipalPolicy to the deploying role (docs/deploy-policy.json, statement Identity).",
    ]);
  });

  it("names the Lambda reads the quota check needs when they are refused, and still checks the access-log permissions", async () => {
    const error = Object.assign(new Error("not authorized to perform: lambda:GetAccountSettings"), { name: "AccessDeniedException" });
    const r = await run(["--stack", "prod"], rootWith("prod", REAL), { ...BIG, lambdaError: error });
    expect(r.code).to.equal(1);
    expect(r.out.filter((l) => l.startsWith("FAIL"))).to.deep.equal([
      "FAIL concurrency  Could not read the account's Lambda concurrency (AccessDeniedException: not authorized to perform: lambda:GetAccountSettings); " +
        "allow lambda:GetAccountSettings and lambda:GetFunctionConcurrency to the deploying role (docs/deploy.md).",
    ]);
    expect(r.out).to.include(
      `ok   log-delivery The caller may set up the stage's access-log delivery (${LOG_DELIVERY.length} actions, by IAM's policy simulator).`,
    );
  });

  it("reports rejected credentials with the fix and skips the account checks", async () => {
    const error = Object.assign(new Error("The security token included in the request is expired"), { name: "ExpiredToken" });
    const r = await run(["--stack", "prod"], rootWith("prod", REAL), { ...BIG, credentialsError: error });
    expect(r.code).to.equal(1);
    expect(r.out.filter((l) => l.startsWith("FAIL"))).to.deep.equal([
      "FAIL identity     AWS did not accept the caller's credentials (ExpiredToken: The security token included in the request is expired); " +
        "sign in (e.g. `aws sso login`) or set AWS_PROFILE, then rerun preflight.",
    ]);
    expect(r.calls).to.deep.equal(["GetCallerIdentityCommand"]);
  });

  it("fails a stack without aws:region, or with a malformed one, and never calls AWS", async () => {
    const none = await run(
      ["--stack", "qa"],
      rootWith("qa", (t) => t.replace(/^\s*aws:region:.*$/m, ""), "dev"),
      BIG,
    );
    expect(none.code).to.equal(1);
    expect(none.regions).to.deep.equal([]);
    expect(none.out[0]).to.equal(
      "FAIL region       Pulumi.qa.yaml sets no aws:region; run `pulumi config set aws:region us-east-1 --stack qa` (or the region you deploy to).",
    );
    expect(none.out).to.include(
      "FAIL identity     Skipped the AWS checks (caller identity, concurrency quota, access-log permissions) because the stack has no valid region; fix the region first.",
    );
    const bad = await run(
      ["--stack", "qa"],
      rootWith("qa", (t) => t.replace("us-east-1", "US East"), "dev"),
      BIG,
    );
    expect(bad.out[0]).to.match(/^FAIL region {7}Pulumi\.qa\.yaml sets aws:region to "US East", which is not an AWS region name/);
    // qa is not a dev* stack, so it also needs an alarm e-mail.
    expect(bad.out).to.include(
      "FAIL alarm-email  Pulumi.qa.yaml sets no liveinsight:alarmEmail, so no one hears an alarm; set a real on-call address with `pulumi config set liveinsight:alarmEmail <address> --stack qa`.",
    );
  });

  it("usage and config errors are UsageErrors (exit 2 through runCli), one sentence each", async () => {
    const root = rootWith("prod", (t) => t.replace("liveinsight:reservedConcurrency: 50", "liveinsight:reservedConcurrency: many"));
    await expectUsage(
      run(["--stack", "prod"], root, BIG),
      'liveinsight:reservedConcurrency must be a whole number; got "many" in Pulumi.prod.yaml',
    );
    await expectUsage(run([], root, BIG), "--stack is required, e.g. --stack prod.");
    await expectUsage(
      run(["--stack", "prod", "--region", "x"], root, BIG),
      "Unknown option --region. Run with --help for the list of options.",
    );
    await expectUsage(
      run(["--stack", "nope"], root, BIG),
      "Pulumi.nope.yaml does not exist; create it with `pulumi stack init nope` and set its config.",
    );
  });

  it("a stack file that is not YAML is a usage error naming the file", async () => {
    const root = rootWith("prod", () => "config: [\n");
    const error = await run(["--stack", "prod"], root, BIG).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.name).to.equal("UsageError");
    expect(error?.message).to.match(/^Pulumi\.prod\.yaml is not valid YAML: /);
  });

  it("as a command: a usage error exits 2 with one sentence, never a stack trace", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/preflight.ts", "--stack"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { ...process.env, AWS_ACCESS_KEY_ID: "", AWS_PROFILE: "" },
    });
    expect([r.status, r.stderr.trim(), r.stdout]).to.deep.equal([2, "preflight: --stack needs a value.", ""]);
  });

  it("--help prints the usage and exits 0", async () => {
    const r = await run(["--help"], REPO_ROOT, BIG);
    expect(r.code).to.equal(0);
    expect(r.out[0]).to.match(/^Usage: npm run preflight -- --stack <name>/);
  });
});

async function expectUsage(promise: Promise<unknown>, message: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect((error as Error).name).to.equal("UsageError");
    expect((error as Error).message).to.equal(message);
    return;
  }
  throw new Error(`expected a UsageError: ${message}`);
}
