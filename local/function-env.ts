/**
 * The functions' environment in local mode, from the same contract the stack writes it with
 * (contracts/function-env.ts) and the stack's own defaults (config.ts's DEFAULTS), so local mode
 * never drifts from a deployed stack (it once kept 30 days of events where the stack keeps 90).
 * Each setting's variable (HOT_RETENTION_DAYS, AWS_MAX_ATTEMPTS, …) set in the shell overrides its default.
 */
import { DEFAULTS } from "../config";
import { FUNCTION_TABLES, functionEnvironment, functionSettingsOf, SETTING_VARIABLES } from "../contracts/function-env";
import { tableNamesFor } from "../contracts/tables";
import { LOCAL_STACK } from "./settings";

export function localFunctionEnv(endpoint: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const tables = tableNamesFor(LOCAL_STACK);
  const settings = functionSettingsOf(DEFAULTS);
  // Passed on as typed, so the functions' own check names a bad value exactly as the user wrote it.
  const overrides: Record<string, string> = {};
  for (const { name } of Object.values(SETTING_VARIABLES)) if (env[name]) overrides[name] = env[name]!;
  // Both functions run in this one process, so they share one environment: the union of theirs.
  const union = Object.assign(
    {},
    ...Object.keys(FUNCTION_TABLES).map((kind) => functionEnvironment(kind as keyof typeof FUNCTION_TABLES, LOCAL_STACK, tables, settings)),
  ) as Record<string, string>;
  return { ...union, ...overrides, AWS_REGION: env.AWS_REGION || "us-east-1", DYNAMODB_ENDPOINT: endpoint };
}
