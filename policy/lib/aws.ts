// Resource type tokens and the AWS defaults the policies judge missing inputs by. Type tokens are
// plain strings so the pack does not need @pulumi/aws (its own package.json stays small).

export const TYPES = {
  lambdaFunction: "aws:lambda/function:Function",
  eventInvokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  eventSourceMapping: "aws:lambda/eventSourceMapping:EventSourceMapping",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  table: "aws:dynamodb/table:Table",
  httpStage: "aws:apigatewayv2/stage:Stage",
  httpApi: "aws:apigatewayv2/api:Api",
  httpIntegration: "aws:apigatewayv2/integration:Integration",
  restIntegration: "aws:apigateway/integration:Integration",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  policy: "aws:iam/policy:Policy",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  lambdaPermission: "aws:lambda/permission:Permission",
  functionUrl: "aws:lambda/functionUrl:FunctionUrl",
  bucket: "aws:s3/bucket:Bucket",
  bucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  bucketLifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  athenaWorkgroup: "aws:athena/workgroup:Workgroup",
} as const;

/** What AWS does when an input is left out; every rule judges a missing input by these. */
export const AWS_DEFAULTS = {
  lambdaMemoryMb: 128,
  lambdaTimeoutSeconds: 3,
  asyncMaxRetryAttempts: 2,
  asyncMaxEventAgeSeconds: 21600,
  // HTTP APIs default to (and cap at) 30 s; REST APIs default to 29 s.
  httpApiIntegrationTimeoutMs: 30000,
  restApiIntegrationTimeoutMs: 29000,
  sdkMaxAttempts: 3,
  sdkRetryMode: "standard",
  // -1 = retry until the record expires from the stream.
  streamMappingMaxRetryAttempts: -1,
  // -1 = records are retried until they expire from the stream (24 h for DynamoDB streams).
  streamMappingMaxRecordAgeSeconds: -1,
  accountThrottleRateLimit: 10000,
  accountThrottleBurstLimit: 5000,
} as const;
