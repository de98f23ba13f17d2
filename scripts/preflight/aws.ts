/**
 * The read-only AWS calls preflight makes (sts:GetCallerIdentity, lambda:GetAccountSettings,
 * lambda:GetFunctionConcurrency, iam:GetRole, iam:SimulatePrincipalPolicy: the deploying role needs
 * exactly these, docs/deploy.md), behind one small interface so tests drive them with stub senders, never AWS.
 */
import { GetRoleCommand, IAMClient, SimulatePrincipalPolicyCommand } from "@aws-sdk/client-iam";
import { GetAccountSettingsCommand, GetFunctionConcurrencyCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

/** The one method of an AWS SDK v3 client preflight uses. */
export type Sender = { send(command: object): Promise<unknown> };
export type PreflightClients = { readonly sts: Sender; readonly lambda: Sender; readonly iam: Sender };

export function realClients(region: string): PreflightClients {
  return { sts: new STSClient({ region }), lambda: new LambdaClient({ region }), iam: new IAMClient({ region }) };
}

export async function callerIdentity(c: PreflightClients): Promise<{ account: string; arn: string }> {
  const out = (await c.sts.send(new GetCallerIdentityCommand({}))) as { Account?: string; Arn?: string };
  return { account: out.Account ?? "?", arn: out.Arn ?? "?" };
}

/** The account's regional concurrency quota, and what of it a deploy of the stack's functions may reserve. */
export type AccountConcurrency = { readonly limit: number; readonly available: number };

export async function accountConcurrency(c: PreflightClients, functionNames: readonly string[]): Promise<AccountConcurrency> {
  const reservation = (FunctionName: string) =>
    c.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName })).then(
      (out) => (out as { ReservedConcurrentExecutions?: number }).ReservedConcurrentExecutions ?? 0,
      (error: Error) => (error.name === "ResourceNotFoundException" ? 0 : Promise.reject(error)), // not deployed yet
    );
  const [settings, reserved] = await Promise.all([
    c.lambda.send(new GetAccountSettingsCommand({})),
    Promise.all(functionNames.map(reservation)),
  ]);
  const limits = (settings as { AccountLimit?: { ConcurrentExecutions?: number; UnreservedConcurrentExecutions?: number } }).AccountLimit;
  // What the stack's own functions hold now is released by the update, so it counts as available.
  const available = (limits?.UnreservedConcurrentExecutions ?? 0) + reserved.reduce((a, b) => a + b, 0);
  return { limit: limits?.ConcurrentExecutions ?? 0, available };
}

/**
 * Which of `actions` the caller may not perform on any resource, by IAM's policy simulator; null for
 * the root user, whom no IAM policy limits. SimulatePrincipalPolicy takes the ARN of a user, group or
 * role, not of a role session, and a session ARN (arn:aws:sts::<account>:assumed-role/<name>/<session>)
 * drops the role's path, so the role is read first (IAM API Reference: SimulatePrincipalPolicy,
 * PolicySourceArn; GetRole). Each result's EvalDecision is "allowed", "explicitDeny" or "implicitDeny";
 * a few actions on the default resource "*" stay far below the 100 results of one page (MaxItems).
 */
export async function deniedActions(c: PreflightClients, callerArn: string, actions: readonly string[]): Promise<string[] | null> {
  if (/^arn:aws[a-z-]*:iam::\d{12}:root$/.test(callerArn)) return null;
  const roleName = /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/([^/]+)\//.exec(callerArn)?.[1];
  const role = roleName ? ((await c.iam.send(new GetRoleCommand({ RoleName: roleName }))) as { Role?: { Arn?: string } }).Role : undefined;
  const out = (await c.iam.send(
    new SimulatePrincipalPolicyCommand({ PolicySourceArn: role?.Arn ?? callerArn, ActionNames: [...actions] }),
  )) as { EvaluationResults?: { EvalActionName?: string; EvalDecision?: string }[] };
  return (out.EvaluationResults ?? []).filter((r) => r.EvalDecision !== "allowed").map((r) => r.EvalActionName ?? "?");
}
