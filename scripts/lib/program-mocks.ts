// Pulumi mocks for running the program offline: deterministic ids and the computed outputs the program
// reads (ARNs, URLs), or — for a preview — those outputs unknown, as AWS has not made them yet.
import * as pulumi from "@pulumi/pulumi";

export const MOCK_ACCOUNT_ID = "123456789012";

type State = Record<string, any>;

/** Exported for tests; runProgram creates one per run. */
export class ProgramMocks implements pulumi.runtime.Mocks {
  /** With `preview`, what AWS computes is unknown: the id is "" and computed outputs are the unknown sentinel. */
  constructor(
    private readonly region: string,
    private readonly preview = false,
  ) {}

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: State } {
    const physical: string = args.inputs.name ?? args.inputs.dashboardName ?? args.name;
    const computed = computedOutputs(args.type, physical, args.inputs, this.region);
    if (this.preview) {
      delete computed.id;
      for (const key of Object.keys(computed)) computed[key] = pulumi.runtime.unknownValue;
    }
    return { id: this.preview ? "" : (computed.id ?? `${args.name}-id`), state: { ...args.inputs, name: physical, ...computed } };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
    switch (args.token) {
      case "aws:index/getRegion:getRegion":
        return { id: this.region, name: this.region, region: this.region, endpoint: `ec2.${this.region}.amazonaws.com` };
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { id: MOCK_ACCOUNT_ID, accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/mock`, userId: "AIDAMOCK" };
      case "aws:index/getPartition:getPartition":
        return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
      default:
        throw new Error(`program-harness: unexpected invoke ${args.token}; add it to ProgramMocks.call if the program really needs it`);
    }
  }
}

/** What AWS computes for a resource the program creates: ARNs, URLs and the id where it is not the name. */
function computedOutputs(type: string, name: string, inputs: State, region: string): State {
  const acct = MOCK_ACCOUNT_ID;
  switch (type) {
    case "aws:dynamodb/table:Table": {
      const arn = `arn:aws:dynamodb:${region}:${acct}:table/${name}`;
      // A stream's label is its creation time (DynamoDB API reference, StreamSpecification / LatestStreamArn).
      return inputs.streamEnabled ? { id: name, arn, streamArn: `${arn}/stream/2026-01-01T00:00:00.000` } : { id: name, arn };
    }
    case "aws:lambda/function:Function": {
      const arn = `arn:aws:lambda:${region}:${acct}:function:${name}`;
      const invokeArn = `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`;
      return { id: name, arn, invokeArn, qualifiedArn: `${arn}:$LATEST`, version: "$LATEST" };
    }
    case "aws:cloudwatch/logGroup:LogGroup":
      return { id: name, arn: `arn:aws:logs:${region}:${acct}:log-group:${name}` };
    case "aws:iam/role:Role":
      return { id: name, arn: `arn:aws:iam::${acct}:role/${name}`, uniqueId: `AROA${name.length}MOCK` };
    case "aws:apigatewayv2/api:Api": {
      const id = `${name.toLowerCase().replace(/[^a-z0-9]/g, "")}mock`;
      const apiEndpoint = `https://${id}.execute-api.${region}.amazonaws.com`;
      const executionArn = `arn:aws:execute-api:${region}:${acct}:${id}`;
      return { id, apiEndpoint, executionArn, arn: `arn:aws:apigateway:${region}::/apis/${id}` };
    }
    case "aws:apigatewayv2/stage:Stage": {
      const base = `https://${inputs.apiId}.execute-api.${region}.amazonaws.com/`;
      const invokeUrl = name === "$default" ? base : `${base}${name}`;
      return { id: name, invokeUrl, executionArn: `arn:aws:execute-api:${region}:${acct}:${inputs.apiId}/${name}` };
    }
    case "aws:sns/topic:Topic":
      return { id: `arn:aws:sns:${region}:${acct}:${name}`, arn: `arn:aws:sns:${region}:${acct}:${name}` };
    case "aws:cloudwatch/dashboard:Dashboard":
      return { id: name, dashboardArn: `arn:aws:cloudwatch::${acct}:dashboard/${name}` };
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return { id: name, arn: `arn:aws:cloudwatch:${region}:${acct}:alarm:${name}` };
    case "aws:s3/bucket:Bucket": {
      const bucket = inputs.bucket ?? name;
      return { id: bucket, bucket, arn: `arn:aws:s3:::${bucket}`, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com` };
    }
    case "aws:sqs/queue:Queue":
      return {
        id: `https://sqs.${region}.amazonaws.com/${acct}/${name}`,
        url: `https://sqs.${region}.amazonaws.com/${acct}/${name}`,
        arn: `arn:aws:sqs:${region}:${acct}:${name}`,
      };
    case "aws:glue/catalogDatabase:CatalogDatabase":
      return { id: `${acct}:${name}`, arn: `arn:aws:glue:${region}:${acct}:database/${name}` };
    case "aws:glue/catalogTable:CatalogTable":
      return { id: `${acct}:${inputs.databaseName}:${name}`, arn: `arn:aws:glue:${region}:${acct}:table/${inputs.databaseName}/${name}` };
    case "aws:athena/workgroup:Workgroup":
      return { id: name, arn: `arn:aws:athena:${region}:${acct}:workgroup/${name}` };
    case "aws:scheduler/schedule:Schedule":
      return { id: `default/${name}`, arn: `arn:aws:scheduler:${region}:${acct}:schedule/default/${name}` };
    // Secrets Manager appends six random characters to a secret's ARN; the provider's id is the ARN
    // (Secrets Manager User Guide, "Secret ARNs": https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources).
    case "aws:secretsmanager/secret:Secret": {
      const arn = `arn:aws:secretsmanager:${region}:${acct}:secret:${name}-AbCdEf`;
      return { id: arn, arn };
    }
    case "aws:lambda/eventSourceMapping:EventSourceMapping":
      return { id: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", uuid: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d" };
    default:
      return { arn: `arn:aws:mock:${region}:${acct}:${type.split(":").pop()}/${name}` };
  }
}
