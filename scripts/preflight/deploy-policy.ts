/**
 * The deploying role's least-privilege IAM policy, generated from the resource types the program
 * registers (docs/deploy-policy.json; a test keeps the committed file equal to this output). A
 * resource type without an entry below fails generation, so a new kind of resource cannot reach
 * `pulumi up` without its permissions being written down.
 *
 * Actions are what the Pulumi AWS provider (Terraform AWS provider underneath) calls to create,
 * read, update, tag and delete each type. Resources are scoped to LiveInsight's names; the few
 * actions AWS does not scope (sts:GetCallerIdentity, lambda:GetAccountSettings, CloudWatch Logs
 * log delivery for HTTP API access logs) are listed with "*" in their own statements.
 */
import { ANY_STACK } from "../../contracts/names";

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** What the program registers: a resource type and its logical (Pulumi) name. */
export interface RegisteredResource {
  readonly type: string;
  readonly name: string;
}

interface TypePermissions {
  readonly sid: string;
  readonly actions: readonly string[];
  /** ARN patterns; `roleNames` are the program's IAM role logical names (Pulumi adds a random suffix). */
  readonly resources: (roleNames: string[]) => string[];
}

const ROLES = (roles: string[]) => roles.map((r) => `arn:aws:iam::*:role/${r}-*`);
const TABLES = () => [`arn:aws:dynamodb:*:*:table/${ANY_STACK.resource}`];
const FUNCTIONS = () => [`arn:aws:lambda:*:*:function:${ANY_STACK.resource}`];
const LOG_GROUPS = () => [
  `arn:aws:logs:*:*:log-group:${ANY_STACK.lambdaLogGroups}`,
  `arn:aws:logs:*:*:log-group:${ANY_STACK.accessLogGroups}`,
];
const APIS = () => ["arn:aws:apigateway:*::/apis", "arn:aws:apigateway:*::/apis/*", "arn:aws:apigateway:*::/tags/*"];
const APIGATEWAY = [
  "apigateway:GET",
  "apigateway:POST",
  "apigateway:PATCH",
  "apigateway:PUT",
  "apigateway:DELETE",
  "apigateway:TagResource",
  "apigateway:UntagResource",
];

export const PERMISSIONS: Readonly<Record<string, TypePermissions>> = {
  "aws:dynamodb/table:Table": {
    sid: "Tables",
    actions: [
      "dynamodb:CreateTable",
      "dynamodb:DescribeTable",
      "dynamodb:UpdateTable",
      "dynamodb:DeleteTable",
      "dynamodb:DescribeTimeToLive",
      "dynamodb:UpdateTimeToLive",
      "dynamodb:DescribeContinuousBackups",
      "dynamodb:UpdateContinuousBackups",
      "dynamodb:DescribeKinesisStreamingDestination",
      "dynamodb:ListTagsOfResource",
      "dynamodb:TagResource",
      "dynamodb:UntagResource",
    ],
    resources: TABLES,
  },
  "aws:iam/role:Role": {
    sid: "FunctionRoles",
    actions: [
      "iam:CreateRole",
      "iam:GetRole",
      "iam:UpdateRole",
      "iam:UpdateAssumeRolePolicy",
      "iam:DeleteRole",
      "iam:TagRole",
      "iam:UntagRole",
      "iam:ListRolePolicies",
      "iam:ListAttachedRolePolicies",
      "iam:ListInstanceProfilesForRole",
    ],
    resources: ROLES,
  },
  "aws:iam/rolePolicy:RolePolicy": {
    sid: "FunctionRolePolicies",
    actions: ["iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy"],
    resources: ROLES,
  },
  "aws:lambda/function:Function": {
    sid: "Functions",
    actions: [
      "lambda:CreateFunction",
      "lambda:GetFunction",
      "lambda:GetFunctionConfiguration",
      "lambda:GetFunctionCodeSigningConfig",
      "lambda:UpdateFunctionCode",
      "lambda:UpdateFunctionConfiguration",
      "lambda:DeleteFunction",
      "lambda:ListVersionsByFunction",
      "lambda:PutFunctionConcurrency",
      "lambda:DeleteFunctionConcurrency",
      "lambda:GetFunctionConcurrency",
      "lambda:ListTags",
      "lambda:TagResource",
      "lambda:UntagResource",
    ],
    resources: FUNCTIONS,
  },
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": {
    sid: "FunctionInvokeConfigs",
    actions: [
      "lambda:PutFunctionEventInvokeConfig",
      "lambda:GetFunctionEventInvokeConfig",
      "lambda:UpdateFunctionEventInvokeConfig",
      "lambda:DeleteFunctionEventInvokeConfig",
    ],
    resources: FUNCTIONS,
  },
  "aws:lambda/permission:Permission": {
    sid: "FunctionPermissions",
    actions: ["lambda:AddPermission", "lambda:RemovePermission", "lambda:GetPolicy"],
    resources: FUNCTIONS,
  },
  "aws:cloudwatch/logGroup:LogGroup": {
    sid: "LogGroups",
    actions: [
      "logs:CreateLogGroup",
      "logs:DeleteLogGroup",
      "logs:PutRetentionPolicy",
      "logs:DeleteRetentionPolicy",
      "logs:ListTagsForResource",
      "logs:TagResource",
      "logs:UntagResource",
    ],
    resources: LOG_GROUPS,
  },
  "aws:cloudwatch/logMetricFilter:LogMetricFilter": {
    sid: "MetricFilters",
    actions: ["logs:PutMetricFilter", "logs:DeleteMetricFilter", "logs:DescribeMetricFilters"],
    resources: LOG_GROUPS,
  },
  "aws:apigatewayv2/api:Api": { sid: "HttpApi", actions: APIGATEWAY, resources: APIS },
  "aws:apigatewayv2/stage:Stage": { sid: "HttpApi", actions: APIGATEWAY, resources: APIS },
  "aws:apigatewayv2/integration:Integration": { sid: "HttpApi", actions: APIGATEWAY, resources: APIS },
  "aws:apigatewayv2/route:Route": { sid: "HttpApi", actions: APIGATEWAY, resources: APIS },
  "aws:sns/topic:Topic": {
    sid: "AlarmTopic",
    actions: [
      "sns:CreateTopic",
      "sns:GetTopicAttributes",
      "sns:SetTopicAttributes",
      "sns:DeleteTopic",
      "sns:ListTagsForResource",
      "sns:TagResource",
      "sns:UntagResource",
    ],
    resources: () => [`arn:aws:sns:*:*:${ANY_STACK.alarmTopics}`],
  },
  "aws:sns/topicSubscription:TopicSubscription": {
    sid: "AlarmSubscription",
    actions: ["sns:Subscribe", "sns:Unsubscribe", "sns:GetSubscriptionAttributes", "sns:SetSubscriptionAttributes"],
    resources: () => [`arn:aws:sns:*:*:${ANY_STACK.alarmTopics}`, `arn:aws:sns:*:*:${ANY_STACK.alarmTopics}:*`],
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    sid: "Alarms",
    actions: [
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:DescribeAlarms",
      "cloudwatch:DeleteAlarms",
      "cloudwatch:ListTagsForResource",
      "cloudwatch:TagResource",
      "cloudwatch:UntagResource",
    ],
    resources: () => [`arn:aws:cloudwatch:*:*:alarm:${ANY_STACK.resource}`],
  },
  "aws:cloudwatch/dashboard:Dashboard": {
    sid: "Dashboard",
    actions: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard", "cloudwatch:DeleteDashboards"],
    resources: () => [`arn:aws:cloudwatch::*:dashboard/${ANY_STACK.resource}`],
  },
};

/** Actions AWS does not scope to a resource: only "*" works (Service Authorization Reference). */
const UNSCOPED: PolicyStatement[] = [
  // The provider and preflight both ask who is deploying; preflight reads the concurrency quota.
  { Sid: "Identity", Effect: "Allow", Action: ["sts:GetCallerIdentity", "lambda:GetAccountSettings"], Resource: ["*"] },
  // HTTP API access logs are delivered by CloudWatch Logs' log-delivery service; without these the
  // stage update fails with "Insufficient permissions to enable logging".
  {
    Sid: "AccessLogDelivery",
    Effect: "Allow",
    Action: [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ],
    Resource: ["*"],
  },
];

export function deployPolicy(resources: readonly RegisteredResource[]): PolicyDocument {
  const roleNames = [...new Set(resources.filter((r) => r.type === "aws:iam/role:Role").map((r) => r.name))].sort();
  const bySid = new Map<string, PolicyStatement>();
  for (const type of [...new Set(resources.map((r) => r.type))].sort()) {
    const p = PERMISSIONS[type];
    if (!p)
      throw new Error(
        `No deploy permissions for resource type ${type}: add it to PERMISSIONS in scripts/preflight/deploy-policy.ts and regenerate docs/deploy-policy.json (npm run deploy-policy).`,
      );
    const statement = bySid.get(p.sid) ?? { Sid: p.sid, Effect: "Allow" as const, Action: [], Resource: [] };
    statement.Action = [...new Set([...statement.Action, ...p.actions])].sort();
    statement.Resource = [...new Set([...statement.Resource, ...p.resources(roleNames)])].sort();
    bySid.set(p.sid, statement);
  }
  if (roleNames.length > 0) {
    // Creating a function hands it its role; PassRole only to Lambda, only these roles.
    bySid.set("PassFunctionRoles", {
      Sid: "PassFunctionRoles",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: ROLES(roleNames),
      Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } },
    });
  }
  return { Version: "2012-10-17", Statement: [...[...bySid.values()].sort((a, b) => a.Sid.localeCompare(b.Sid)), ...UNSCOPED] };
}
