/**
 * What preflight asks AWS, behind one small interface so tests drive it with stub senders (never
 * AWS). Each call is one read-only API action: sts:GetCallerIdentity, lambda:GetAccountSettings,
 * lambda:GetFunctionConcurrency — the deploying role needs exactly these three (docs/deploy.md).
 */
import { GetAccountSettingsCommand, GetFunctionConcurrencyCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

/** The one method of an AWS SDK v3 client preflight uses. */
export interface Sender {
  send(command: object): Promise<unknown>;
}

export interface PreflightClients {
  readonly sts: Sender;
  readonly lambda: Sender;
}

export interface AccountConcurrency {
  /** The account's concurrency quota in this region (AccountLimit.ConcurrentExecutions). */
  readonly limit: number;
  /** What is not reserved by any function right now (AccountLimit.UnreservedConcurrentExecutions). */
  readonly unreserved: number;
}

export function realClients(region: string): PreflightClients {
  return { sts: new STSClient({ region }), lambda: new LambdaClient({ region }) };
}

export async function callerIdentity(c: PreflightClients): Promise<{ account: string; arn: string }> {
  const out = (await c.sts.send(new GetCallerIdentityCommand({}))) as { Account?: string; Arn?: string };
  return { account: out.Account ?? "?", arn: out.Arn ?? "?" };
}

export async function accountConcurrency(c: PreflightClients): Promise<AccountConcurrency> {
  const out = (await c.lambda.send(new GetAccountSettingsCommand({}))) as {
    AccountLimit?: { ConcurrentExecutions?: number; UnreservedConcurrentExecutions?: number };
  };
  return { limit: out.AccountLimit?.ConcurrentExecutions ?? 0, unreserved: out.AccountLimit?.UnreservedConcurrentExecutions ?? 0 };
}

/** The function's current reservation; 0 when it does not exist yet or reserves nothing. */
export async function functionReservation(c: PreflightClients, functionName: string): Promise<number> {
  try {
    const out = (await c.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: functionName }))) as {
      ReservedConcurrentExecutions?: number;
    };
    return out.ReservedConcurrentExecutions ?? 0;
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") return 0;
    throw error;
  }
}
