/**
 * The deploy prerequisites `pulumi up` would otherwise discover half-way: each check yields one
 * finding, one sentence, and for a problem the fix. Pure apart from the AWS calls in ./aws.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { StackConfig } from "../../config";
import { functionName } from "../../contracts/names";
import { REPO_ROOT } from "../../lib/stack-file";
import { type AccountConcurrency, accountConcurrency, callerIdentity, deniedActions, type PreflightClients } from "./aws";

type Verdict = { readonly ok: boolean; readonly sentence: string };
export type Finding = Verdict & {
  readonly check: "region" | "identity" | "concurrency" | "alarm-email" | "cors-origins" | "sites" | "log-delivery";
};
const ok = (sentence: string): Verdict => ({ ok: true, sentence });
const problem = (sentence: string): Verdict => ({ ok: false, sentence });

/**
 * Lambda keeps this much of the account's quota unreserved: a reservation that would leave less
 * fails with "decreases account's UnreservedConcurrentExecution below its minimum value"
 * (Lambda Developer Guide, "Configuring reserved concurrency").
 */
const MIN_UNRESERVED_CONCURRENCY = 100;
const FUNCTIONS = ["collector", "realtime"] as const;
/** RFC 2606 / RFC 6761 names that can never receive mail: a copied sample address, not an on-call inbox. */
const PLACEHOLDER_DOMAIN = /(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$/i;
/** RFC 2606's reserved names (example.com/.net/.org and below, .example, .test, .invalid): no real site is served from them. */
const RESERVED_HOST = /(^|\.)(example\.(com|net|org)|example|test|invalid)$/i;
/** The visitor's own machine (RFC 6761 .localhost, the loopback addresses): a developer's page, not a site's. */
const LOOPBACK_HOST = /^((.+\.)?localhost|127(\.\d{1,3}){3}|\[::1\])$/i;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

const stackFile = (config: StackConfig) => `Pulumi.${config.stack}.yaml`;

function regionCheck(config: StackConfig, region: string): Verdict {
  if (!region)
    return problem(
      `${stackFile(config)} sets no aws:region; run \`pulumi config set aws:region us-east-1 --stack ${config.stack}\` (or the region you deploy to).`,
    );
  if (!REGION.test(region))
    return problem(
      `${stackFile(config)} sets aws:region to "${region}", which is not an AWS region name; set one like us-east-1 with \`pulumi config set aws:region <region> --stack ${config.stack}\`.`,
    );
  return ok(`Region ${region} (aws:region in ${stackFile(config)}).`);
}

/** Stacks named dev* may go without alarm e-mail (the policy pack's dev profile); any other stack needs a real inbox. */
function alarmEmailCheck(config: StackConfig): Verdict {
  const email = config.alarmEmail;
  const fix = `set a real on-call address with \`pulumi config set liveinsight:alarmEmail <address> --stack ${config.stack}\``;
  if (email === undefined && config.stack.startsWith("dev"))
    return ok("No alarm e-mail (allowed for a dev stack): alarms reach the SNS topic only.");
  if (email === undefined) return problem(`${stackFile(config)} sets no liveinsight:alarmEmail, so no one hears an alarm; ${fix}.`);
  const domain = email.split("@")[1] ?? "";
  if (PLACEHOLDER_DOMAIN.test(domain))
    return problem(`liveinsight:alarmEmail in ${stackFile(config)} is the placeholder "${email}" (${domain} never receives mail); ${fix}.`);
  return ok(`Alarm e-mail ${email} (confirm the subscription AWS mails after the first deploy).`);
}

const quoted = (list: readonly string[]) => list.map((o) => `"${o}"`).join(", ");

/** The host of an origin config.ts accepted (scheme://host[:port], a "*." subdomain wildcard allowed). */
const originHost = (origin: string) => origin.replace(/^https?:\/\/(\*\.)?/, "").replace(/:\d+$/, "");

/**
 * CORS origins copied from the committed sample (https://www.example.com) would make every real
 * page's beacons fail their preflight; loopback origins belong to a dev stack only.
 */
function corsOriginsCheck(config: StackConfig): Verdict {
  const dev = config.stack.startsWith("dev");
  const placeholders = config.corsOrigins.filter((o) => o !== "*" && RESERVED_HOST.test(originHost(o)));
  const loopback = dev ? [] : config.corsOrigins.filter((o) => o !== "*" && LOOPBACK_HOST.test(originHost(o)));
  const fix =
    `list the origins of the sites that load the tracker in liveinsight:corsOrigins in ${stackFile(config)}, e.g. ` +
    `\`pulumi config set --path 'liveinsight:corsOrigins[0]' https://www.yoursite.com --stack ${config.stack}\` (one index per origin)`;
  if (placeholders.length > 0)
    return problem(
      `liveinsight:corsOrigins in ${stackFile(config)} lists the placeholder origin(s) ${quoted(placeholders)} (RFC 2606 reserves these names; no real page is served from them, so real pages' requests would fail CORS); ${fix}.`,
    );
  if (loopback.length > 0)
    return problem(
      `liveinsight:corsOrigins in ${stackFile(config)} lists ${quoted(loopback)}, pages on the visitor's own machine, which only a dev* stack may allow; ${fix}.`,
    );
  return ok(`CORS origins ${config.corsOrigins.includes("*") ? '"*" (any site)' : quoted(config.corsOrigins)}.`);
}

/**
 * The sites decide which pages may send (docs/sites.md): none means every event is refused, a
 * placeholder host (the committed sample's example.com) means every real page's events are, and
 * loopback hosts belong to a dev stack only.
 */
function sitesCheck(config: StackConfig): Verdict {
  const dev = config.stack.startsWith("dev");
  const fix = `list the hosts your pages are served from in liveinsight:sites in ${stackFile(config)} (docs/sites.md)`;
  if (config.sites.length === 0)
    return problem(`${stackFile(config)} sets no liveinsight:sites, so the collector refuses every event (UnknownSite); ${fix}.`);
  const name = (host: string) => host.replace(/^\*\./, "").replace(/:\d+$/, "");
  for (const site of config.sites) {
    const placeholders = site.hosts.filter((h) => RESERVED_HOST.test(name(h)));
    if (placeholders.length > 0)
      return problem(
        `liveinsight:sites in ${stackFile(config)}: site "${site.id}" lists the placeholder host(s) ${quoted(placeholders)} (RFC 2606 reserves these names; no real page is served from them, so every real page's events would be refused with 403); ${fix}.`,
      );
    const loopback = dev ? [] : site.hosts.filter((h) => LOOPBACK_HOST.test(name(h)));
    if (loopback.length > 0)
      return problem(
        `liveinsight:sites in ${stackFile(config)}: site "${site.id}" lists ${quoted(loopback)}, pages on the visitor's own machine, which only a dev* stack may allow; ${fix}.`,
      );
  }
  return ok(`Sites ${config.sites.map((site) => `"${site.id}" (${site.hosts.join(", ")})`).join(", ")}.`);
}

/** Pure: does 2 × reservedConcurrency fit, leaving AWS's minimum unreserved? */
function concurrencyCheck(config: StackConfig, account: string, { limit, available }: AccountConcurrency): Verdict {
  const perFunction = config.reservedConcurrency;
  if (perFunction <= 0)
    return ok(
      `The functions reserve no concurrency (liveinsight:reservedConcurrency ${perFunction}); account ${account}'s quota is ${limit}.`,
    );
  const wanted = perFunction * FUNCTIONS.length;
  const reserving = `Reserving ${perFunction} for each of ${FUNCTIONS.length} functions`;
  if (available - wanted >= MIN_UNRESERVED_CONCURRENCY)
    return ok(
      `${reserving} leaves ${available - wanted} of account ${account}'s quota of ${limit} unreserved (AWS requires ${MIN_UNRESERVED_CONCURRENCY}).`,
    );
  const fitting = Math.floor((available - MIN_UNRESERVED_CONCURRENCY) / FUNCTIONS.length);
  return problem(
    `${reserving} needs ${wanted + MIN_UNRESERVED_CONCURRENCY} of account ${account}'s concurrency ` +
      `(${wanted} + ${MIN_UNRESERVED_CONCURRENCY} AWS keeps unreserved) but only ${available} is available (quota ${limit}), so \`pulumi up\` would fail; ` +
      `request a higher "Concurrent executions" quota in Service Quotas (AWS Lambda) or ` +
      (fitting >= 1
        ? `lower liveinsight:reservedConcurrency in ${stackFile(config)} to at most ${fitting}.`
        : `set liveinsight:reservedConcurrency to -1 in ${stackFile(config)}.`),
  );
}

/**
 * The stage's access logs need CloudWatch Logs' log-delivery actions, which take only "*" as resource;
 * without them `pulumi up` fails late, at the stage, with "Insufficient permissions to enable logging".
 * Read from the committed deploying-role policy, so the two never disagree.
 */
function logDeliveryActions(): string[] {
  const policy = JSON.parse(readFileSync(path.join(REPO_ROOT, "docs", "deploy-policy.json"), "utf8")) as {
    Statement: { Sid: string; Action: string[] }[];
  };
  return policy.Statement.find((s) => s.Sid === "AccessLogDelivery")?.Action ?? [];
}

function logDeliveryCheck(denied: string[] | null, checked: number): Verdict {
  if (denied === null) return ok("The root user: no IAM policy limits it (better: deploy with a role holding docs/deploy-policy.json).");
  if (denied.length === 0)
    return ok(`The caller may set up the stage's access-log delivery (${checked} actions, by IAM's policy simulator).`);
  return problem(
    `The caller may not ${denied.join(", ")}, which the stage's access logs need, so \`pulumi up\` would stop at the stage with ` +
      `"Insufficient permissions to enable logging"; add the AccessLogDelivery statement of docs/deploy-policy.json to the deploying role.`,
  );
}

/** A failed AWS call, as the sentence quotes it. */
const failure = (error: unknown) => ({ failure: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });

/** Every finding for the stack; AWS is asked only what the stack file cannot answer, in a valid region. */
export async function runPreflight(
  config: StackConfig,
  region: string,
  clientsFor: (region: string) => PreflightClients,
): Promise<Finding[]> {
  const findings: Finding[] = [
    { check: "region", ...regionCheck(config, region) },
    { check: "alarm-email", ...alarmEmailCheck(config) },
    { check: "cors-origins", ...corsOriginsCheck(config) },
    { check: "sites", ...sitesCheck(config) },
  ];
  const fail = (check: Finding["check"], sentence: string) => [...findings, { check, ...problem(sentence) }];
  if (!findings[0].ok)
    return fail(
      "identity",
      "Skipped the AWS checks (caller identity, concurrency quota, access-log permissions) because the stack has no valid region; fix the region first.",
    );
  const clients = clientsFor(region);
  const id = await callerIdentity(clients).catch(failure);
  if ("failure" in id)
    return fail(
      "identity",
      `AWS did not accept the caller's credentials (${id.failure}); sign in (e.g. \`aws sso login\`) or set AWS_PROFILE, then rerun preflight.`,
    );
  findings.push({ check: "identity", ...ok(`Deploying as ${id.arn} in account ${id.account}.`) });
  // The stack's current reservations matter only when it wants to reserve.
  const names = config.reservedConcurrency > 0 ? FUNCTIONS.map((kind) => functionName(config.stack, kind)) : [];
  const actions = logDeliveryActions();
  // Independent reads: both run at once, and a failure of one still leaves the other's verdict.
  const [quota, denied] = await Promise.all([
    accountConcurrency(clients, names).catch(failure),
    deniedActions(clients, id.arn, actions).catch(failure),
  ]);
  const concurrency =
    "failure" in quota
      ? problem(
          `Could not read the account's Lambda concurrency (${quota.failure}); allow lambda:GetAccountSettings and lambda:GetFunctionConcurrency to the deploying role (docs/deploy.md).`,
        )
      : concurrencyCheck(config, id.account, quota);
  const logDelivery =
    denied !== null && "failure" in denied
      ? problem(
          `Could not check the access-log permissions with IAM's policy simulator (${denied.failure}); allow iam:GetRole and iam:SimulatePrincipalPolicy to the deploying role (docs/deploy-policy.json, statement Identity).`,
        )
      : logDeliveryCheck(denied, actions.length);
  return [...findings, { check: "concurrency", ...concurrency }, { check: "log-delivery", ...logDelivery }];
}
