import { expect } from "chai";
import { goodSpecs, INVOKE_ARN, messagesOf, stackWith, toResources, UNKNOWN, urnOf } from "./fixtures";

type Props = Record<string, any>;

describe("policy apigatewayv2-stage-throttling", () => {
  const PROD = { minRateLimit: 1, maxRateLimit: 10000, minBurstLimit: 1, maxBurstLimit: 5000 };
  const check = (edit?: (p: Props) => void, config: Props = PROD) =>
    messagesOf("apigatewayv2-stage-throttling", stackWith("stage", edit), config);

  it("passes the compliant stack", async () => {
    expect(await check()).to.deep.equal([]);
  });

  it("requires both limits when defaultRouteSettings is missing", async () => {
    expect(
      await check((p) => {
        delete p.defaultRouteSettings;
      }),
    ).to.deep.equal([
      'API stage "stage" does not set defaultRouteSettings.throttlingRateLimit, so only the account-level quota of 10000 requests/s applies; the allowed range is 1 to 10000 requests/s.',
      'API stage "stage" does not set defaultRouteSettings.throttlingBurstLimit, so only the account-level burst of 5000 requests applies; the allowed range is 1 to 5000 requests.',
    ]);
  });

  it("rejects a rate limit above the maximum", async () => {
    expect(
      await check((p) => {
        p.defaultRouteSettings.throttlingRateLimit = 20000;
      }),
    ).to.deep.equal([
      'API stage "stage" has defaultRouteSettings.throttlingRateLimit 20000 requests/s; the allowed range is 1 to 10000 requests/s.',
    ]);
  });

  it("rejects a burst limit of 0, which blocks every request", async () => {
    expect(
      await check((p) => {
        p.defaultRouteSettings.throttlingBurstLimit = 0;
      }),
    ).to.deep.equal([
      'API stage "stage" has defaultRouteSettings.throttlingBurstLimit 0 requests; the allowed range is 1 to 5000 requests.',
    ]);
  });

  it("applies configured bounds over the schema defaults", async () => {
    expect(await check(undefined, { maxRateLimit: 50 })).to.deep.equal([
      'API stage "stage" has defaultRouteSettings.throttlingRateLimit 100 requests/s; the allowed range is 1 to 50 requests/s.',
    ]);
  });
});

describe("policy lambda-function-timeout-below-integration", () => {
  const NAME = "lambda-function-timeout-below-integration";

  it("passes the compliant stack (10 s function behind a 12000 ms integration)", async () => {
    expect(await messagesOf(NAME, stackWith())).to.deep.equal([]);
  });

  it("rejects a function timeout equal to the integration timeout", async () => {
    expect(
      await messagesOf(
        NAME,
        stackWith("collector", (p) => {
          p.timeout = 12;
        }),
      ),
    ).to.deep.equal([
      'Lambda function "collector" has timeout 12 s, which is not below the 12000 ms timeout of API integration "events-integration"; the allowed range is 1 to 11 s.',
    ]);
  });

  it("judges a missing function timeout as the AWS default of 3 s", async () => {
    const resources = stackWith("collector", (p) => {
      delete p.timeout;
    });
    expect(await messagesOf(NAME, resources)).to.deep.equal([]);
    resources.find((r) => r.name === "events-integration")!.props.timeoutMilliseconds = 2500;
    expect(await messagesOf(NAME, resources)).to.deep.equal([
      'Lambda function "collector" does not set timeout, so AWS uses its default of 3 s, which is not below the 2500 ms timeout of API integration "events-integration"; the allowed range is 1 to 2 s.',
    ]);
  });

  it("judges a missing integration timeout as the HTTP API default of 30000 ms", async () => {
    const resources = stackWith("events-integration", (p) => {
      delete p.timeoutMilliseconds;
    });
    resources.find((r) => r.name === "collector")!.props.timeout = 30;
    expect(await messagesOf(NAME, resources)).to.deep.equal([
      'Lambda function "collector" has timeout 30 s, which is not below the 30000 ms default timeout of API integration "events-integration" (timeoutMilliseconds is not set); the allowed range is 1 to 29 s.',
    ]);
  });

  it("ignores integrations that target another function", async () => {
    const resources = stackWith("events-integration", (p) => {
      p.integrationUri = "arn:aws:lambda:us-east-1:123456789012:function:other";
    });
    resources.find((r) => r.name === "collector")!.props.timeout = 60;
    expect(await messagesOf(NAME, resources)).to.deep.equal([]);
  });

  it("follows REST API integrations that use the invoke ARN (29000 ms default)", async () => {
    const specs = goodSpecs();
    delete specs["events-integration"];
    specs["rest-integration"] = { type: "aws:apigateway/integration:Integration", props: { type: "AWS_PROXY", uri: INVOKE_ARN } };
    specs.collector.props.timeout = 29;
    expect(await messagesOf(NAME, toResources(specs))).to.deep.equal([
      'Lambda function "collector" has timeout 29 s, which is not below the 29000 ms default timeout of API integration "rest-integration" (timeoutMilliseconds is not set); the allowed range is 1 to 28 s.',
    ]);
  });

  it("matches through property dependencies when the integration URI is unknown during preview", async () => {
    const specs = goodSpecs();
    specs.collector.props.timeout = 20;
    specs["events-integration"].props.integrationUri = UNKNOWN;
    specs["events-integration"].propertyDependencies = { integrationUri: [urnOf(specs.collector.type, "collector")] };
    expect(await messagesOf(NAME, toResources(specs))).to.deep.equal([
      'Lambda function "collector" has timeout 20 s, which is not below the 12000 ms timeout of API integration "events-integration"; the allowed range is 1 to 11 s.',
    ]);
  });
});
