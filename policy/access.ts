// Who can reach the functions, and whether we can see it: Lambda permissions scoped to one API,
// access logs on every API stage, and no function URL without authentication.
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { TYPES } from "./lib/aws";
import { subject } from "./lib/messages";
import { known, ofType, validateTypes } from "./lib/resources";

const API_TYPES = ["aws:apigatewayv2/api:Api", "aws:apigateway/restApi:RestApi"];
/** `arn:<partition>:execute-api:<region>:<account>:<api id>/…` with a concrete API id. */
const ONE_API = /^arn:[a-z-]+:execute-api:[^:]+:\d{12}:[A-Za-z0-9]+(\/.*)?$/;

function permissionMessage(permission: PolicyResource): string | undefined {
  const who = subject("Lambda permission", permission.name);
  const props = permission.props;
  if (known(() => props.principal) !== "apigateway.amazonaws.com") {
    return undefined;
  }
  if (!("sourceArn" in props) || known(() => props.sourceArn) === null) {
    return (
      `${who} lets API Gateway invoke the function without a sourceArn, so every API in every account may; ` +
      "set sourceArn to one API's execution ARN."
    );
  }
  const arn = known(() => props.sourceArn);
  if (arn === undefined) {
    // Unknown until the API exists (preview): scoped when the engine says it is computed from an API.
    const fromApi = (permission.propertyDependencies.sourceArn ?? []).some((d) => API_TYPES.includes(d.type));
    return fromApi
      ? undefined
      : `${who} has a sourceArn that is not known yet and is not computed from an API; set it to one API's execution ARN.`;
  }
  return ONE_API.test(String(arn))
    ? undefined
    : `${who} has sourceArn "${arn}", which is not scoped to one API; use arn:…:execute-api:<region>:<account>:<api id>/….`;
}

export const lambdaPermissionSourceArn: StackValidationPolicy = {
  name: "lambda-permission-source-arn",
  description: "Checks that every API Gateway permission on a Lambda function is scoped to one API by sourceArn.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    for (const permission of ofType(args.resources, TYPES.lambdaPermission)) {
      const message = permissionMessage(permission);
      if (message) report(message, permission.urn);
    }
  },
};

export const apiStageAccessLogging: ResourceValidationPolicy = {
  name: "apigatewayv2-stage-access-logging",
  description: "Checks that every API Gateway v2 stage writes access logs (accessLogSettings destinationArn and format).",
  enforcementLevel: "mandatory",
  validateResource: validateTypes([TYPES.httpStage], (props, args, report) => {
    const who = subject("API stage", args.name);
    const settings = props.accessLogSettings;
    if (!settings || !("destinationArn" in settings) || [null, ""].includes(known(() => settings.destinationArn))) {
      report(`${who} has no accessLogSettings.destinationArn, so requests leave no access log; send them to a log group.`);
      return;
    }
    if (!("format" in settings) || known(() => settings.format) === "") {
      report(`${who} sets accessLogSettings without a format; a format (e.g. JSON with $context.requestId) is required.`);
    }
  }),
};

export const lambdaFunctionUrlAuth: ResourceValidationPolicy = {
  name: "lambda-function-url-auth",
  description: "Checks that no Lambda function URL is open without authentication (authorizationType NONE).",
  enforcementLevel: "mandatory",
  validateResource: validateTypes([TYPES.functionUrl], (props, args, report) => {
    const auth = known(() => props.authorizationType);
    if (auth !== "AWS_IAM") {
      report(
        `${subject("Lambda function URL", args.name)} has authorizationType ${JSON.stringify(auth ?? null)}, ` +
          'so anyone on the internet can invoke the function; the required value is "AWS_IAM".',
      );
    }
  }),
};
