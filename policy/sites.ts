// Sites (docs/sites.md): a prod API answers CORS for the sites' pages only, and every site the
// collector knows lists at least one host (a site without one refuses all its events with 403).
// Both read what the program sets at preview: the API's corsConfiguration and the collector's
// SITES variable, so neither is unable to run before AWS computes anything.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ANY_HOST } from "../contracts/sites";
import { TYPES } from "./lib/aws";
import { booleanProperty, readConfig, schemaOf } from "./lib/config";
import { quoteList, subject } from "./lib/messages";
import { validateTypes } from "./lib/resources";

/** Origins that let any page of a scheme (or any page at all) read the API's answers. */
const ANY_ORIGIN = ["*", "http://*"];

interface CorsConfig {
  allowAnyOrigin: boolean;
}

export const apiCorsNoWildcard: ResourceValidationPolicy = {
  name: "apigatewayv2-api-cors-no-wildcard",
  description:
    'Checks that an HTTP API\'s CORS allowOrigins has no "*" (or "http://*") entry unless the stack\'s profile allows any origin.',
  enforcementLevel: "mandatory",
  configSchema: schemaOf({ allowAnyOrigin: booleanProperty('Allow "*" / "http://*" in corsConfiguration.allowOrigins (dev).') }),
  validateResource: validateTypes([TYPES.httpApi], (props, args, report) => {
    const c = readConfig<CorsConfig>("apigatewayv2-api-cors-no-wildcard", args);
    if (c.allowAnyOrigin) args.notApplicable("The stack's profile allows any CORS origin");
    const origins: unknown = props.corsConfiguration?.allowOrigins;
    const wild = Array.isArray(origins) ? origins.filter((o) => ANY_ORIGIN.includes(o)) : [];
    if (wild.length)
      report(
        `${subject("HTTP API", args.name)} has corsConfiguration.allowOrigins ${quoteList(wild)}, which lets any page read its answers; list the sites' hosts in liveinsight:sites and remove "*" from liveinsight:corsOrigins.`,
      );
  }),
};

/** The sites of a SITES value that list no host, or accept every host; undefined when it is not a site list. */
function hostProblems(raw: string): string[] | undefined {
  let sites: unknown;
  try {
    sites = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!Array.isArray(sites)) return undefined;
  return sites.flatMap((site: { id?: unknown; hosts?: unknown }, i) => {
    const id = typeof site?.id === "string" ? `"${site.id}"` : `#${i}`;
    const hosts = Array.isArray(site?.hosts) ? site.hosts : [];
    if (hosts.length === 0) return [`site ${id} lists no host`];
    return hosts.includes(ANY_HOST) ? [`site ${id} accepts every host ("*", local mode's alone)`] : [];
  });
}

export const lambdaSitesHosts: ResourceValidationPolicy = {
  name: "lambda-function-sites-hosts",
  description: 'Checks that every site in a Lambda function\'s SITES environment variable lists at least one host and none is "*".',
  enforcementLevel: "mandatory",
  configSchema: schemaOf({}),
  validateResource: validateTypes([TYPES.lambdaFunction], (props, args, report) => {
    const raw: unknown = props.environment?.variables?.SITES;
    if (raw === undefined) args.notApplicable("The function has no SITES variable");
    const who = subject("Lambda function", args.name);
    const problems = typeof raw === "string" ? hostProblems(raw) : undefined;
    if (problems === undefined) {
      report(`${who} has a SITES environment variable that is not a JSON list of sites; the program writes it from liveinsight:sites.`);
      return;
    }
    for (const p of problems) report(`${who}: ${p} in its SITES environment variable; list the site's hosts in liveinsight:sites.`);
  }),
};
