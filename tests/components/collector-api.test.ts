import { expect } from "chai";
import { bundleFunction } from "../../components/bundle";
import { accessLogFormat } from "../../components/collector-api";
import { trackerAsset } from "../../components/tracker-asset";
import { parseConfig } from "../../config";
import { ROUTE_METHODS } from "../../contracts/edge";
import { type FUNCTION_TABLES, functionEnvironment, functionSettingsOf } from "../../contracts/function-env";
import { tableNamesFor } from "../../contracts/tables";
import { stackSettings } from "../../lib/stack-file";
import { MOCK_ACCOUNT_ID, ofType, type RecordedResource, runProgram } from "../../scripts/lib/program-harness";

const ACCT = MOCK_ACCOUNT_ID;
const REGION = "us-east-1";
const COMPONENT = "liveinsight:api:CollectorApi";

function one(resources: RecordedResource[], type: string, name: string): RecordedResource {
  const found = resources.filter((r) => r.type === type && r.name === name);
  expect(found, `${type} ${name}`).to.have.length(1);
  return found[0];
}

function urnOf(stack: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::liveinsight::${COMPONENT}$${type}::${name}`;
}

interface StackExpectations {
  memorySize: number;
  reservedConcurrency: number;
  logRetentionDays: number;
  hotRetentionDays: number;
  throttle: { throttlingRateLimit: number; throttlingBurstLimit: number };
  corsOrigins: string[];
}

const STACKS: Record<string, StackExpectations> = {
  dev: {
    memorySize: 256,
    reservedConcurrency: -1,
    logRetentionDays: 14,
    hotRetentionDays: 7,
    throttle: { throttlingRateLimit: 50, throttlingBurstLimit: 100 },
    corsOrigins: ["*"],
  },
  prod: {
    memorySize: 512,
    reservedConcurrency: 50,
    logRetentionDays: 90,
    hotRetentionDays: 14,
    throttle: { throttlingRateLimit: 500, throttlingBurstLimit: 1000 },
    corsOrigins: ["https://www.example.com", "https://example.com"],
  },
};

/** The methods routed to a path only so its function can answer 405. */
const otherMethods = (id: string) => ROUTE_METHODS.filter((m) => m !== { events: "POST", realtime: "GET", tracker: "GET" }[id]);

describe("components/collector-api", () => {
  const runs: Record<string, RecordedResource[]> = {};
  before(async () => {
    runs.dev = await runProgram({ stack: "dev" });
    runs.prod = await runProgram({ stack: "prod" });
  });

  for (const [stack, want] of Object.entries(STACKS)) {
    describe(stack, () => {
      const fnName = (kind: string) => `LiveInsight-${stack}-${kind}`;
      const tableArn = (t: string) => `arn:aws:dynamodb:${REGION}:${ACCT}:table/LiveInsight-${stack}-${t}`;
      const logGroupArn = (kind: string) => `arn:aws:logs:${REGION}:${ACCT}:log-group:/aws/lambda/${fnName(kind)}`;
      const apiId = `liveinsight${stack}mock`;

      it("puts every API, function, role and log resource under one CollectorApi component", () => {
        const components = ofType(runs[stack], COMPONENT);
        expect(components.map((c) => c.urn)).to.deep.equal([`urn:pulumi:${stack}::liveinsight::${COMPONENT}::api`]);
        const children = runs[stack].filter((r) => r.parent === components[0].urn);
        expect(children.map((r) => `${r.type} ${r.name}`).sort()).to.deep.equal(
          [
            "aws:apigatewayv2/api:Api api-http",
            "aws:apigatewayv2/stage:Stage api-stage",
            "aws:cloudwatch/logGroup:LogGroup api-access-logs",
            ...["events", "realtime"].map((id) => `aws:apigatewayv2/integration:Integration api-${id}-integration`),
            ...["events", "realtime", "tracker"].flatMap((id) => [
              `aws:apigatewayv2/route:Route api-${id}-route`,
              ...otherMethods(id).map((m) => `aws:apigatewayv2/route:Route api-${id}-${m.toLowerCase()}-route`),
              `aws:lambda/permission:Permission api-${id}-permission`,
            ]),
            ...["collector", "realtime"].flatMap((kind) => [
              `aws:cloudwatch/logGroup:LogGroup api-${kind}-logs`,
              `aws:iam/role:Role api-${kind}-role`,
              `aws:iam/rolePolicy:RolePolicy api-${kind}-policy`,
              `aws:lambda/function:Function api-${kind}`,
              `aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig api-${kind}-invoke-config`,
            ]),
          ].sort(),
        );
      });

      for (const kind of ["collector", "realtime"]) {
        it(`configures the ${kind} function from the stack config with the bundled code`, () => {
          const fn = one(runs[stack], "aws:lambda/function:Function", `api-${kind}`);
          const { code, ...settings } = fn.inputs;
          expect(settings).to.deep.equal({
            name: fnName(kind),
            runtime: "nodejs22.x",
            architectures: ["arm64"],
            handler: "index.handler",
            role: `arn:aws:iam::${ACCT}:role/api-${kind}-role`,
            memorySize: want.memorySize,
            timeout: 10,
            reservedConcurrentExecutions: want.reservedConcurrency,
            environment: { variables: envOf(kind as keyof typeof FUNCTION_TABLES) },
            loggingConfig: { logFormat: "Text", logGroup: `/aws/lambda/${fnName(kind)}` },
          });
          const files =
            kind === "collector"
              ? { "index.js": { text: bundleFunction("functions/collector-edge.ts") }, "tracker.js": { text: trackerAsset().script } }
              : { "index.js": { text: bundleFunction("functions/realtime.ts") } };
          expect(code).to.deep.equal({ assets: files });
        });

        it(`creates the ${kind} log group with retention before the function`, () => {
          const logs = one(runs[stack], "aws:cloudwatch/logGroup:LogGroup", `api-${kind}-logs`);
          expect(logs.inputs).to.deep.equal({ name: `/aws/lambda/${fnName(kind)}`, retentionInDays: want.logRetentionDays });
          const fn = one(runs[stack], "aws:lambda/function:Function", `api-${kind}`);
          expect(fn.dependsOn).to.include.members([
            urnOf(stack, "aws:cloudwatch/logGroup:LogGroup", `api-${kind}-logs`),
            urnOf(stack, "aws:iam/rolePolicy:RolePolicy", `api-${kind}-policy`),
            urnOf(stack, "aws:iam/role:Role", `api-${kind}-role`),
          ]);
        });

        it(`gives the ${kind} function its own role, trusted by Lambda only`, () => {
          const role = one(runs[stack], "aws:iam/role:Role", `api-${kind}-role`);
          expect(Object.keys(role.inputs)).to.deep.equal(["assumeRolePolicy"]);
          expect(JSON.parse(role.inputs.assumeRolePolicy)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
          });
          expect(ofType(runs[stack], "aws:iam/rolePolicyAttachment:RolePolicyAttachment")).to.deep.equal([]);
        });

        it(`bounds the ${kind} function's asynchronous invokes: no retries, 60 s maximum age`, () => {
          const config = one(runs[stack], "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", `api-${kind}-invoke-config`);
          expect(config.inputs).to.deep.equal({ functionName: fnName(kind), maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 });
        });
      }

      it("makes the realtime function depend on no table but ActiveSessions", () => {
        const fn = one(runs[stack], "aws:lambda/function:Function", "api-realtime");
        const tables = fn.dependsOn.filter((urn) => urn.includes("aws:dynamodb/table:Table"));
        expect(tables).to.deep.equal([
          `urn:pulumi:${stack}::liveinsight::liveinsight:storage:AnalyticsTables$aws:dynamodb/table:Table::tables-active-sessions`,
        ]);
      });

      it("grants the collector only its writes and its own log group", () => {
        const policy = one(runs[stack], "aws:iam/rolePolicy:RolePolicy", "api-collector-policy");
        expect(policy.inputs.role).to.equal("api-collector-role");
        expect(JSON.parse(policy.inputs.policy)).to.deep.equal({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "WriteEvents",
              Effect: "Allow",
              Action: ["dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:UpdateItem"],
              Resource: [tableArn("Events")],
            },
            {
              Sid: "UpdateSessions",
              Effect: "Allow",
              Action: ["dynamodb:UpdateItem", "dynamodb:GetItem"],
              Resource: [tableArn("Sessions")],
            },
            {
              Sid: "MoveRealtimeCounters",
              Effect: "Allow",
              Action: ["dynamodb:UpdateItem", "dynamodb:GetItem"],
              Resource: [tableArn("ActiveSessions")],
            },
            {
              Sid: "WriteOwnLogs",
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
              Resource: [`${logGroupArn("collector")}:*`],
            },
          ],
        });
      });

      it("grants the realtime function a BatchGetItem of the counters (one site's bucket items) and its own log group", () => {
        const policy = one(runs[stack], "aws:iam/rolePolicy:RolePolicy", "api-realtime-policy");
        expect(policy.inputs.role).to.equal("api-realtime-role");
        expect(JSON.parse(policy.inputs.policy)).to.deep.equal({
          Version: "2012-10-17",
          Statement: [
            { Sid: "ReadRealtimeCounters", Effect: "Allow", Action: ["dynamodb:BatchGetItem"], Resource: [tableArn("ActiveSessions")] },
            {
              Sid: "WriteOwnLogs",
              Effect: "Allow",
              Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
              Resource: [`${logGroupArn("realtime")}:*`],
            },
          ],
        });
      });

      it("creates an HTTP API with CORS from the stack config", () => {
        expect(one(runs[stack], "aws:apigatewayv2/api:Api", "api-http").inputs).to.deep.equal({
          name: `LiveInsight-${stack}`,
          protocolType: "HTTP",
          description: `LiveInsight collector API (${stack})`,
          corsConfiguration: {
            allowOrigins: want.corsOrigins,
            allowMethods: ["GET", "POST"],
            allowHeaders: ["content-type"],
            maxAge: 7200,
          },
        });
      });

      it("deploys a throttled $default stage with JSON access logs to their own log group", () => {
        const accessLogs = one(runs[stack], "aws:cloudwatch/logGroup:LogGroup", "api-access-logs");
        expect(accessLogs.inputs).to.deep.equal({
          name: `/aws/vendedlogs/apigateway/LiveInsight-${stack}/access`,
          retentionInDays: want.logRetentionDays,
        });
        expect(one(runs[stack], "aws:apigatewayv2/stage:Stage", "api-stage").inputs).to.deep.equal({
          apiId,
          name: "$default",
          autoDeploy: true,
          defaultRouteSettings: want.throttle,
          accessLogSettings: {
            destinationArn: `arn:aws:logs:${REGION}:${ACCT}:log-group:/aws/vendedlogs/apigateway/LiveInsight-${stack}/access`,
            format: accessLogFormat(),
          },
        });
      });

      for (const [id, kind] of [
        ["events", "collector"],
        ["realtime", "realtime"],
      ]) {
        it(`integrates the ${kind} function through a payload 2.0 proxy integration with a 12 s timeout`, () => {
          expect(one(runs[stack], "aws:apigatewayv2/integration:Integration", `api-${id}-integration`).inputs).to.deep.equal({
            apiId,
            integrationType: "AWS_PROXY",
            integrationUri: `arn:aws:lambda:${REGION}:${ACCT}:function:${fnName(kind)}`,
            integrationMethod: "POST",
            payloadFormatVersion: "2.0",
            timeoutMilliseconds: 12000,
          });
        });
      }

      for (const [id, routeKey, kind, integration] of [
        ["events", "POST /events", "collector", "events"],
        ["realtime", "GET /realtime", "realtime", "realtime"],
        ["tracker", "GET /tracker.js", "collector", "events"],
      ]) {
        const path = routeKey.split(" ")[1];
        it(`routes ${routeKey} to the ${kind} function`, () => {
          expect(one(runs[stack], "aws:apigatewayv2/route:Route", `api-${id}-route`).inputs).to.deep.equal({
            apiId,
            routeKey,
            target: `integrations/api-${integration}-integration-id`,
          });
        });

        it(`routes every other method but OPTIONS on ${path} to the same function, which answers 405`, () => {
          for (const method of otherMethods(id)) {
            expect(one(runs[stack], "aws:apigatewayv2/route:Route", `api-${id}-${method.toLowerCase()}-route`).inputs).to.deep.equal({
              apiId,
              routeKey: `${method} ${path}`,
              target: `integrations/api-${integration}-integration-id`,
            });
          }
        });

        it(`lets API Gateway invoke the ${kind} function for ${path} only`, () => {
          expect(one(runs[stack], "aws:lambda/permission:Permission", `api-${id}-permission`).inputs).to.deep.equal({
            action: "lambda:InvokeFunction",
            function: fnName(kind),
            principal: "apigateway.amazonaws.com",
            sourceArn: `arn:aws:execute-api:${REGION}:${ACCT}:${apiId}/*/*${path}`,
          });
        });
      }

      it("has no ANY and no OPTIONS route, so API Gateway itself answers every CORS preflight", () => {
        const keys = ofType(runs[stack], "aws:apigatewayv2/route:Route").map((r) => r.inputs.routeKey as string);
        expect(keys).to.have.length(18);
        expect(keys.filter((k) => /^(ANY|OPTIONS) |^\$default$/.test(k))).to.deep.equal([]);
      });

      it("publishes the API id, URL and function names as component outputs", () => {
        expect(ofType(runs[stack], COMPONENT)[0].outputs).to.deep.equal({
          apiId,
          url: `https://${apiId}.execute-api.${REGION}.amazonaws.com`,
          trackerUrl: `https://${apiId}.execute-api.${REGION}.amazonaws.com/tracker.js`,
          collectorFunctionName: fnName("collector"),
          realtimeFunctionName: fnName("realtime"),
        });
      });

      /** What contracts/function-env.ts writes from the stack file's settings (its own test spells the variables out). */
      const envOf = (kind: keyof typeof FUNCTION_TABLES) =>
        functionEnvironment(kind, stack, tableNamesFor(stack), functionSettingsOf(parseConfig(stackSettings(stack), stack)));

      it("gives each function the stack's settings and only the tables it uses", () => {
        const env = (kind: string) => one(runs[stack], "aws:lambda/function:Function", `api-${kind}`).inputs.environment.variables;
        expect(env("collector")).to.deep.include({
          EVENTS_TABLE: `LiveInsight-${stack}-Events`,
          SESSIONS_TABLE: `LiveInsight-${stack}-Sessions`,
          ACTIVE_SESSIONS_TABLE: `LiveInsight-${stack}-ActiveSessions`,
          ENVIRONMENT: stack,
          HOT_RETENTION_DAYS: String(want.hotRetentionDays),
        });
        expect(env("realtime")).to.deep.include({ ACTIVE_SESSIONS_TABLE: `LiveInsight-${stack}-ActiveSessions`, ENVIRONMENT: stack });
        expect(env("realtime")).not.to.have.any.keys("EVENTS_TABLE", "SESSIONS_TABLE", "DYNAMODB_ENDPOINT");
        expect(env("collector")).not.to.have.any.keys("DYNAMODB_ENDPOINT");
      });
    });
  }

  describe("pure helpers", () => {
    it("accessLogFormat is one JSON object with quoted $context values and no client IP or user agent", () => {
      const format = JSON.parse(accessLogFormat()) as Record<string, string>;
      expect(Object.keys(format)).to.include.members([
        "requestId",
        "routeKey",
        "status",
        "responseLatency",
        "integrationLatency",
        "integrationError",
      ]);
      for (const value of Object.values(format)) expect(value).to.match(/^\$context\.[A-Za-z.]+$/);
      expect(accessLogFormat()).not.to.match(/sourceIp|userAgent/);
    });

    it("accessLogFormat logs the status the function answered and the integration's error, not Lambda's invoke status", () => {
      const format = JSON.parse(accessLogFormat()) as Record<string, string>;
      expect(format).to.include({
        status: "$context.status",
        integrationStatus: "$context.integration.status",
        integrationError: "$context.integration.error",
      });
      expect(Object.values(format)).not.to.include("$context.integrationStatus");
    });
  });
});
