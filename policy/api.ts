// API Gateway rules: stage throttling, and Lambda timeouts that end before the integration in
// front of them gives up (otherwise the client sees a 503 while the function keeps running and
// writing, and a client retry duplicates the work).
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { AWS_DEFAULTS, TYPES } from "./lib/aws";
import { integerSettings } from "./lib/config";
import { pointsAtFunction } from "./lib/lambda-refs";
import { checkRange, rangeText, subject } from "./lib/messages";
import { ofType, type Props, validateTypes } from "./lib/resources";

const throttle = integerSettings({
  minRateLimit: [0, 100000, "Smallest throttlingRateLimit allowed (requests per second)."],
  maxRateLimit: [0, 100000, "Largest throttlingRateLimit allowed (requests per second)."],
  minBurstLimit: [0, 100000, "Smallest throttlingBurstLimit allowed (requests)."],
  maxBurstLimit: [0, 100000, "Largest throttlingBurstLimit allowed (requests)."],
});
type ThrottleConfig = ReturnType<typeof throttle.read>;

function throttleMessages(props: Props, name: string, c: ThrottleConfig): (string | undefined)[] {
  const who = subject("API stage", name);
  const settings = props.defaultRouteSettings ?? {};
  return [
    checkRange({
      subject: who,
      field: "defaultRouteSettings.throttlingRateLimit",
      value: settings.throttlingRateLimit,
      unit: " requests/s",
      min: c.minRateLimit,
      max: c.maxRateLimit,
      defaultMeaning: `so only the account-level quota of ${AWS_DEFAULTS.accountThrottleRateLimit} requests/s applies`,
    }),
    checkRange({
      subject: who,
      field: "defaultRouteSettings.throttlingBurstLimit",
      value: settings.throttlingBurstLimit,
      unit: " requests",
      min: c.minBurstLimit,
      max: c.maxBurstLimit,
      defaultMeaning: `so only the account-level burst of ${AWS_DEFAULTS.accountThrottleBurstLimit} requests applies`,
    }),
  ];
}

export const apiStageThrottling: ResourceValidationPolicy = {
  name: "apigatewayv2-stage-throttling",
  description: "Checks that every API Gateway v2 stage sets default route throttling within the configured bounds.",
  enforcementLevel: "mandatory",
  configSchema: throttle.schema,
  validateResource: validateTypes([TYPES.httpStage], (props, args, report) => {
    const c = throttle.read("apigatewayv2-stage-throttling", args);
    for (const m of throttleMessages(props, args.name, c)) if (m) report(m);
  }),
};

const integrationTimeout = integerSettings({
  defaultIntegrationTimeoutMs: [50, 30000, "Timeout assumed for an HTTP API integration that does not set timeoutMilliseconds (ms)."],
});
type IntegrationTimeoutConfig = ReturnType<typeof integrationTimeout.read>;

/** Integration types that can front a function: where the target is, and their default timeout. */
function integrationKinds(c: IntegrationTimeoutConfig) {
  return [
    { type: TYPES.httpIntegration, targetKey: "integrationUri", defaultMs: c.defaultIntegrationTimeoutMs },
    { type: TYPES.restIntegration, targetKey: "uri", defaultMs: AWS_DEFAULTS.restApiIntegrationTimeoutMs },
  ];
}

function timeoutVersusIntegration(fn: PolicyResource, integration: PolicyResource, defaultMs: number): string | undefined {
  const timeoutSeconds: number = fn.props.timeout ?? AWS_DEFAULTS.lambdaTimeoutSeconds;
  const limitMs: number = integration.props.timeoutMilliseconds ?? defaultMs;
  if (timeoutSeconds * 1000 < limitMs) {
    return undefined;
  }
  const found =
    fn.props.timeout === undefined
      ? `does not set timeout, so AWS uses its default of ${timeoutSeconds} s`
      : `has timeout ${timeoutSeconds} s`;
  const limit =
    integration.props.timeoutMilliseconds === undefined
      ? `the ${limitMs} ms default timeout of API integration "${integration.name}" (timeoutMilliseconds is not set)`
      : `the ${limitMs} ms timeout of API integration "${integration.name}"`;
  const range = rangeText(1, Math.ceil(limitMs / 1000) - 1, " s");
  return `${subject("Lambda function", fn.name)} ${found}, which is not below ${limit}; ${range}.`;
}

export const lambdaTimeoutBelowIntegration: StackValidationPolicy = {
  name: "lambda-function-timeout-below-integration",
  description: "Checks that every Lambda function times out strictly before any API integration in front of it.",
  enforcementLevel: "mandatory",
  configSchema: integrationTimeout.schema,
  validateStack: (args, report) => {
    const c = integrationTimeout.read("lambda-function-timeout-below-integration", args);
    const functions = ofType(args.resources, TYPES.lambdaFunction);
    for (const kind of integrationKinds(c)) {
      for (const integration of ofType(args.resources, kind.type)) {
        for (const fn of functions.filter((f) => pointsAtFunction(integration, kind.targetKey, f))) {
          const message = timeoutVersusIntegration(fn, integration, kind.defaultMs);
          if (message) report(message, fn.urn);
        }
      }
    }
  },
};
