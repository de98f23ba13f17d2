// The stats API is private: every route to /stats… or /dashboard either has an API Gateway
// authorizer, or reaches (route → integration → function, by the engine's property dependencies,
// known at preview) a function that checks the stats key, i.e. one given the key's secret
// (STATS_KEY_SECRET, contracts/stats.ts). A stats path routed anywhere else is open data.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { STATS_ENV, STATS_PATHS } from "../contracts/stats";
import { TYPES } from "./lib/aws";
import { pointsAtFunction } from "./lib/lambda-refs";
import { subject } from "./lib/messages";
import { dependsThrough, known, ofType } from "./lib/resources";

const ROUTE = "aws:apigatewayv2/route:Route";
const AUTHORIZED = ["CUSTOM", "JWT", "AWS_IAM"];

/** The path of a route key ("GET /stats", "ANY /{proxy+}", "$default"). */
const pathOf = (routeKey: string) => routeKey.split(" ").at(-1) ?? "";

/** True for the stats paths, and for catch-all routes that would serve them too. */
export function servesStats(routeKey: string): boolean {
  const path = pathOf(routeKey);
  if (routeKey === "$default" || /^\/\{[^}]+\+\}$/.test(path)) return true;
  return Object.values(STATS_PATHS).some((p) => path === p || path.startsWith(`${p}/`));
}

function checksKey(fn: PolicyResource): boolean {
  const variables = known(() => fn.props.environment?.variables);
  if (!variables || typeof variables !== "object") return false;
  // At preview the secret's name may be unknown; the variable being set is what counts.
  return STATS_ENV.keySecret in variables && known(() => variables[STATS_ENV.keySecret]) !== "";
}

function routeMessage(route: PolicyResource, resources: readonly PolicyResource[]): string | undefined {
  const routeKey = known(() => route.props.routeKey);
  if (typeof routeKey !== "string" || !servesStats(routeKey)) return undefined;
  const auth = known(() => route.props.authorizationType) ?? "NONE";
  if (AUTHORIZED.includes(auth)) return undefined;
  const integrations = ofType(resources, TYPES.httpIntegration).filter((i) => dependsThrough(route, "target", i));
  const functions = ofType(resources, TYPES.lambdaFunction).filter((f) =>
    integrations.some((i) => pointsAtFunction(i, "integrationUri", f)),
  );
  if (functions.length && functions.every(checksKey)) return undefined;
  const reached = functions.length
    ? `reaches ${functions.map((f) => `"${f.name}"`).join(", ")}, which is not given ${STATS_ENV.keySecret}`
    : "reaches no function this stack defines";
  return (
    `${subject("API route", route.name)} (${routeKey}) has authorizationType ${JSON.stringify(auth)} and ${reached}, so the stats are open to anyone; ` +
    `set authorizationType to one of ${AUTHORIZED.join(", ")}, or route it to the stats function, which checks the Bearer key.`
  );
}

export const statsRouteAuthorization: StackValidationPolicy = {
  name: "apigatewayv2-stats-route-authorization",
  description: "Checks that no stats route (/stats, /dashboard) is served without authorization.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    for (const route of ofType(args.resources, ROUTE)) {
      const message = routeMessage(route, args.resources);
      if (message) report(message, route.urn);
    }
  },
};
