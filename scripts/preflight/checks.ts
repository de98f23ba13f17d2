/**
 * The deploy prerequisites `pulumi up` would otherwise discover half-way: each check yields one
 * finding, one sentence, and for a problem the fix. Pure apart from the AWS calls in ./aws.
 */
import { functionName } from "../../contracts/names";
import { accountConcurrency, callerIdentity, functionReservation, type PreflightClients } from "./aws";
import type { PreflightStack } from "./stack";

export interface Finding {
  readonly check: "region" | "identity" | "concurrency" | "alarm-email";
  readonly ok: boolean;
  readonly sentence: string;
}

/**
 * Lambda keeps this much of the account's quota unreserved: a reservation that would leave less
 * fails with "decreases account's UnreservedConcurrentExecution below its minimum value"
 * (Lambda Developer Guide, "Configuring reserved concurrency").
 */
const MIN_UNRESERVED_CONCURRENCY = 100;
const FUNCTIONS = ["collector", "realtime"] as const;

/** RFC 2606 / RFC 6761 names that can never receive mail: a copied sample address, not an on-call inbox. */
const PLACEHOLDER_DOMAIN = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/i;

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

export function regionFinding(s: PreflightStack): Finding {
  const stack = s.config.stack;
  if (!s.region) {
    return {
      check: "region",
      ok: false,
      sentence: `${s.file} sets no aws:region; run \`pulumi config set aws:region us-east-1 --stack ${stack}\` (or the region you deploy to).`,
    };
  }
  if (!REGION.test(s.region)) {
    return {
      check: "region",
      ok: false,
      sentence: `${s.file} sets aws:region to "${s.region}", which is not an AWS region name; set one like us-east-1 with \`pulumi config set aws:region <region> --stack ${stack}\`.`,
    };
  }
  return { check: "region", ok: true, sentence: `Region ${s.region} (aws:region in ${s.file}).` };
}

/** Stacks named dev* may go without alarm e-mail (the policy pack's dev profile); any other stack needs a real inbox. */
function alarmEmailFinding(s: PreflightStack): Finding {
  const email = s.config.alarmEmail;
  const fix = `set a real on-call address with \`pulumi config set liveinsight:alarmEmail <address> --stack ${s.config.stack}\``;
  if (email === undefined) {
    if (s.config.stack.startsWith("dev"))
      return { check: "alarm-email", ok: true, sentence: `No alarm e-mail (allowed for a dev stack): alarms reach the SNS topic only.` };
    return { check: "alarm-email", ok: false, sentence: `${s.file} sets no liveinsight:alarmEmail, so no one hears an alarm; ${fix}.` };
  }
  const domain = email.split("@")[1] ?? "";
  if (PLACEHOLDER_DOMAIN.test(domain)) {
    return {
      check: "alarm-email",
      ok: false,
      sentence: `liveinsight:alarmEmail in ${s.file} is the placeholder "${email}" (${domain} never receives mail); ${fix}.`,
    };
  }
  return { check: "alarm-email", ok: true, sentence: `Alarm e-mail ${email} (confirm the subscription AWS mails after the first deploy).` };
}

export interface ConcurrencyFacts {
  readonly account: string;
  readonly limit: number;
  readonly unreserved: number;
  /** What this stack's functions reserve today (0 before the first deploy). */
  readonly alreadyReserved: number;
}

/** Pure: does 2 × reservedConcurrency fit, leaving AWS's minimum unreserved? */
function concurrencyFinding(s: PreflightStack, f: ConcurrencyFacts): Finding {
  const perFunction = s.config.reservedConcurrency;
  if (perFunction <= 0) {
    return {
      check: "concurrency",
      ok: true,
      sentence: `The functions reserve no concurrency (liveinsight:reservedConcurrency ${perFunction}); account ${f.account}'s quota is ${f.limit}.`,
    };
  }
  const wanted = perFunction * FUNCTIONS.length;
  // What the stack's own functions hold now is released by the update, so it counts as available.
  const available = f.unreserved + f.alreadyReserved;
  const left = available - wanted;
  if (left >= MIN_UNRESERVED_CONCURRENCY) {
    return {
      check: "concurrency",
      ok: true,
      sentence: `Reserving ${perFunction} for each of ${FUNCTIONS.length} functions leaves ${left} of account ${f.account}'s quota of ${f.limit} unreserved (AWS requires ${MIN_UNRESERVED_CONCURRENCY}).`,
    };
  }
  const fitting = Math.floor((available - MIN_UNRESERVED_CONCURRENCY) / FUNCTIONS.length);
  const lower =
    fitting >= 1
      ? `lower liveinsight:reservedConcurrency in ${s.file} to at most ${fitting}`
      : `set liveinsight:reservedConcurrency to -1 in ${s.file}`;
  return {
    check: "concurrency",
    ok: false,
    sentence:
      `Reserving ${perFunction} for each of ${FUNCTIONS.length} functions needs ${wanted + MIN_UNRESERVED_CONCURRENCY} of account ${f.account}'s concurrency ` +
      `(${wanted} + ${MIN_UNRESERVED_CONCURRENCY} AWS keeps unreserved) but only ${available} is available (quota ${f.limit}), so \`pulumi up\` would fail; ` +
      `request a higher "Concurrent executions" quota in Service Quotas (AWS Lambda) or ${lower}.`,
  };
}

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** Every finding for the stack; AWS is asked only what the stack file cannot answer, in a valid region. */
export async function runPreflight(s: PreflightStack, clientsFor: (region: string) => PreflightClients): Promise<Finding[]> {
  const region = regionFinding(s);
  const findings = [region, alarmEmailFinding(s)];
  const clients = region.ok && s.region ? clientsFor(s.region) : undefined;
  if (!clients) {
    findings.push({
      check: "identity",
      ok: false,
      sentence: "Skipped the AWS checks (caller identity, concurrency quota) because the stack has no valid region; fix the region first.",
    });
    return findings;
  }
  let account: string;
  try {
    const id = await callerIdentity(clients);
    account = id.account;
    findings.push({ check: "identity", ok: true, sentence: `Deploying as ${id.arn} in account ${id.account}.` });
  } catch (error) {
    findings.push({
      check: "identity",
      ok: false,
      sentence: `AWS did not accept the caller's credentials (${describe(error)}); sign in (e.g. \`aws sso login\`) or set AWS_PROFILE, then rerun preflight.`,
    });
    return findings;
  }
  try {
    // The stack's current reservations matter only when it wants to reserve.
    const names = s.config.reservedConcurrency > 0 ? FUNCTIONS.map((kind) => functionName(s.config.stack, kind)) : [];
    const [quota, reserved] = await Promise.all([
      accountConcurrency(clients),
      Promise.all(names.map((n) => functionReservation(clients, n))),
    ]);
    findings.push(
      concurrencyFinding(s, {
        account,
        limit: quota.limit,
        unreserved: quota.unreserved,
        alreadyReserved: reserved.reduce((a, b) => a + b, 0),
      }),
    );
  } catch (error) {
    findings.push({
      check: "concurrency",
      ok: false,
      sentence: `Could not read the account's Lambda concurrency (${describe(error)}); allow lambda:GetAccountSettings and lambda:GetFunctionConcurrency to the deploying role (docs/deploy.md).`,
    });
  }
  return findings;
}
