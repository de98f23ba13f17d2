import { expect } from "chai";
import { servesStats } from "../../policy/stats";
import { messagesOf, toResources, UNKNOWN, urnOf } from "./fixtures";

const ROUTE = "aws:apigatewayv2/route:Route";
const INTEGRATION = "aws:apigatewayv2/integration:Integration";
const FUNCTION = "aws:lambda/function:Function";
const POLICY = "apigatewayv2-stats-route-authorization";

function stack(route: Record<string, unknown>, functionEnv: Record<string, string>, integrationUri: string = UNKNOWN) {
  return toResources({
    fn: { type: FUNCTION, props: { name: "LiveInsight-test-stats", timeout: 29, environment: { variables: functionEnv } } },
    integration: {
      type: INTEGRATION,
      props: { integrationType: "AWS_PROXY", integrationUri },
      propertyDependencies: { integrationUri: [urnOf(FUNCTION, "fn")] },
    },
    "stats-route": {
      type: ROUTE,
      props: { routeKey: "GET /stats", target: UNKNOWN, ...route },
      propertyDependencies: { target: [urnOf(INTEGRATION, "integration")] },
    },
  });
}

describe(`policy ${POLICY}`, () => {
  it("accepts a stats route to the function given the key's secret, also at preview with the secret's name unknown", async () => {
    expect(await messagesOf(POLICY, stack({}, { STATS_KEY_SECRET: "LiveInsight-test-stats-key" }))).to.deep.equal([]);
    expect(await messagesOf(POLICY, stack({}, { STATS_KEY_SECRET: UNKNOWN }))).to.deep.equal([]);
  });

  it("rejects a stats route to a function that does not check the key", async () => {
    expect(await messagesOf(POLICY, stack({}, { EVENTS_TABLE: "t" }))).to.deep.equal([
      'API route "stats-route" (GET /stats) has authorizationType "NONE" and reaches "fn", which is not given STATS_KEY_SECRET, so the stats are open to anyone; set authorizationType to one of CUSTOM, JWT, AWS_IAM, or route it to the stats function, which checks the Bearer key.',
    ]);
  });

  it("rejects a catch-all route that would serve /dashboard, and one whose target cannot be traced", async () => {
    const resources = stack({ routeKey: "ANY /{proxy+}" }, {}).map((r) =>
      r.name === "stats-route" ? { ...r, propertyDependencies: {} } : r,
    );
    expect(await messagesOf(POLICY, resources)).to.deep.equal([
      'API route "stats-route" (ANY /{proxy+}) has authorizationType "NONE" and reaches no function this stack defines, so the stats are open to anyone; set authorizationType to one of CUSTOM, JWT, AWS_IAM, or route it to the stats function, which checks the Bearer key.',
    ]);
  });

  it("accepts any stats route with an API Gateway authorizer, and ignores other paths", async () => {
    expect(await messagesOf(POLICY, stack({ authorizationType: "JWT" }, {}))).to.deep.equal([]);
    expect(await messagesOf(POLICY, stack({ routeKey: "POST /events" }, {}))).to.deep.equal([]);
    expect([
      servesStats("GET /dashboard"),
      servesStats("GET /stats/realtime"),
      servesStats("$default"),
      servesStats("GET /statsx"),
      servesStats("GET /realtime"),
    ]).to.deep.equal([true, true, true, false, false]);
  });
});
