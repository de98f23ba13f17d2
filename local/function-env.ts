/**
 * The functions' environment in local mode, from the same contract the stack writes it with
 * (contracts/function-env.ts) and the stack's own defaults (config.ts's DEFAULTS), so local mode
 * never drifts from a deployed stack (it once kept 30 days of events where the stack keeps 90).
 * Each setting's variable (HOT_RETENTION_DAYS, AWS_MAX_ATTEMPTS, …) set in the shell overrides its default.
 * Sites: the site `local` (every host, server-side senders too) is the default, and
 * LIVEINSIGHT_SITES (the JSON of `liveinsight:sites`) adds more (docs/sites.md).
 */
import { DEFAULTS } from "../config";
import { FUNCTION_TABLES, functionEnvironment, functionSettingsOf, SETTING_VARIABLES } from "../contracts/function-env";
import { LOCAL_SITE, parseSites, type Site } from "../contracts/sites";
import { tableNamesFor } from "../contracts/tables";
import { UsageError } from "../lib/cli";
import { LOCAL_STACK } from "./settings";

/** `local` first, then the sites of LIVEINSIGHT_SITES; a bad list is a usage error naming the variable and the site. */
export function localSites(env: NodeJS.ProcessEnv = process.env): readonly Site[] {
  const raw = env.LIVEINSIGHT_SITES;
  if (raw === undefined || raw.trim() === "") return [LOCAL_SITE];
  try {
    const extra = parseSites(raw, { anyHost: true });
    return parseSites([LOCAL_SITE, ...extra], { anyHost: true });
  } catch (error) {
    throw new UsageError(`LIVEINSIGHT_SITES: ${(error as Error).message} (site "local" is built in; list the others).`);
  }
}

export function localFunctionEnv(endpoint: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const tables = tableNamesFor(LOCAL_STACK);
  const settings = { ...functionSettingsOf(DEFAULTS), sites: localSites(env), defaultSite: LOCAL_SITE.id };
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
