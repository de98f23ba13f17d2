import { expect } from "chai";
import { eventSourceMappingFailureHandling, lambdaSdkRetryEnv } from "../../policy/retries";
import { FUNCTION_ARN, goodSpecs, messagesOf, remediationArgs, stackWith, toResources, UNKNOWN, urnOf } from "./fixtures";

type Props = Record<string, any>;
const PROD_SDK = { minAttempts: 1, maxAttempts: 5, allowedRetryModes: ["standard", "adaptive"] };
const envOf = (p: Props) => p.environment.variables as Props;

describe("policy lambda-function-sdk-retry-env", () => {
  const check = (edit?: (vars: Props) => void, config: object = PROD_SDK) =>
    messagesOf("lambda-function-sdk-retry-env", stackWith("collector", edit && ((p) => edit(envOf(p)))), config as Props);

  it("passes the compliant stack", async () => {
    expect(await check()).to.deep.equal([]);
  });

  it("requires AWS_MAX_ATTEMPTS to be present", async () => {
    expect(
      await check((v) => {
        delete v.AWS_MAX_ATTEMPTS;
      }),
    ).to.deep.equal([
      'Lambda function "collector" does not set environment variable AWS_MAX_ATTEMPTS (the AWS SDK would silently use 3 attempts); it is required and the allowed range is 1 to 5.',
    ]);
  });

  it("rejects AWS_MAX_ATTEMPTS above the maximum", async () => {
    expect(
      await check((v) => {
        v.AWS_MAX_ATTEMPTS = "25";
      }),
    ).to.deep.equal(['Lambda function "collector" has environment variable AWS_MAX_ATTEMPTS 25; the allowed range is 1 to 5.']);
  });

  it("rejects an AWS_MAX_ATTEMPTS that is not a whole number", async () => {
    expect(
      await check((v) => {
        v.AWS_MAX_ATTEMPTS = "many";
      }),
    ).to.deep.equal([
      'Lambda function "collector" has environment variable AWS_MAX_ATTEMPTS "many", which is not a whole number; the allowed range is 1 to 5.',
    ]);
  });

  it("rejects a retry mode outside the allowed values", async () => {
    expect(
      await check((v) => {
        v.AWS_RETRY_MODE = "legacy";
      }),
    ).to.deep.equal([
      'Lambda function "collector" has environment variable AWS_RETRY_MODE "legacy"; the allowed values are "standard", "adaptive".',
    ]);
  });

  it('judges a missing retry mode as the SDK default "standard"', async () => {
    expect(
      await check((v) => {
        delete v.AWS_RETRY_MODE;
      }),
    ).to.deep.equal([]);
    expect(
      await check(
        (v) => {
          delete v.AWS_RETRY_MODE;
        },
        { allowedRetryModes: ["adaptive"] },
      ),
    ).to.deep.equal([
      'Lambda function "collector" does not set environment variable AWS_RETRY_MODE, so the AWS SDK uses its default of "standard"; the allowed values are "adaptive".',
    ]);
  });

  it("remediates attempts into range and the mode to the first allowed value", async () => {
    const remediate = lambdaSdkRetryEnv.remediateResource!;
    const args = (variables: Props) =>
      remediationArgs("aws:lambda/function:Function", "collector", { memorySize: 512, environment: { variables } }, PROD_SDK);
    expect(await remediate(args({ TABLE: "t", AWS_MAX_ATTEMPTS: "25", AWS_RETRY_MODE: "legacy" }))).to.deep.equal({
      memorySize: 512,
      environment: { variables: { TABLE: "t", AWS_MAX_ATTEMPTS: "5", AWS_RETRY_MODE: "standard" } },
    });
    expect(await remediate(args({ TABLE: "t" }))).to.deep.equal({
      memorySize: 512,
      environment: { variables: { TABLE: "t", AWS_MAX_ATTEMPTS: "3" } },
    });
    expect(await remediate(args({ AWS_MAX_ATTEMPTS: "3", AWS_RETRY_MODE: "adaptive" }))).to.equal(undefined);
  });
});

describe("policy lambda-function-event-invoke-config", () => {
  const PROD = { maxRetryAttempts: 2, maxEventAgeSeconds: 3600 };
  const check = (edit?: (p: Props) => void, config: Props = PROD) =>
    messagesOf("lambda-function-event-invoke-config", stackWith("collector-invoke-config", edit), config);

  it("passes the compliant stack", async () => {
    expect(await check()).to.deep.equal([]);
  });

  it("requires every function to have an explicit event-invoke config", async () => {
    const specs = goodSpecs();
    delete specs["collector-invoke-config"];
    expect(await messagesOf("lambda-function-event-invoke-config", toResources(specs), PROD)).to.deep.equal([
      'Lambda function "collector" has no FunctionEventInvokeConfig, so asynchronous invocations get the AWS defaults of 2 retries and a 21600 s maximum event age; add one with maximumRetryAttempts 0 to 2 and maximumEventAgeInSeconds 60 to 3600 s.',
    ]);
  });

  it("does not count a config that targets another function", async () => {
    const messages = await check((p) => {
      p.functionName = "LiveInsight-test-other";
    });
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(/^Lambda function "collector" has no FunctionEventInvokeConfig/);
  });

  it("matches a config that names the function by ARN", async () => {
    expect(
      await check((p) => {
        p.functionName = `${FUNCTION_ARN}:live`;
      }),
    ).to.deep.equal([]);
  });

  it("rejects retries above the configured maximum", async () => {
    expect(
      await check(
        (p) => {
          p.maximumRetryAttempts = 1;
        },
        { maxRetryAttempts: 0 },
      ),
    ).to.deep.equal([
      'Event-invoke config "collector-invoke-config" of Lambda function "collector" has maximumRetryAttempts 1; the allowed range is 0 to 0.',
    ]);
  });

  it("judges missing retries and event age as the AWS defaults (2, 21600 s)", async () => {
    expect(
      await check(
        (p) => {
          delete p.maximumRetryAttempts;
        },
        { maxRetryAttempts: 1 },
      ),
    ).to.deep.equal([
      'Event-invoke config "collector-invoke-config" of Lambda function "collector" does not set maximumRetryAttempts, so AWS uses its default of 2; the allowed range is 0 to 1.',
    ]);
    expect(
      await check((p) => {
        delete p.maximumEventAgeInSeconds;
      }),
    ).to.deep.equal([
      'Event-invoke config "collector-invoke-config" of Lambda function "collector" does not set maximumEventAgeInSeconds, so AWS uses its default of 21600 s; the allowed range is 60 to 3600 s.',
    ]);
  });

  it("rejects an event age above the configured maximum", async () => {
    expect(
      await check((p) => {
        p.maximumEventAgeInSeconds = 7200;
      }),
    ).to.deep.equal([
      'Event-invoke config "collector-invoke-config" of Lambda function "collector" has maximumEventAgeInSeconds 7200 s; the allowed range is 60 to 3600 s.',
    ]);
  });

  it("matches through property dependencies when the function name is unknown during preview", async () => {
    const specs = goodSpecs();
    specs["collector-invoke-config"].props.functionName = UNKNOWN;
    specs["collector-invoke-config"].propertyDependencies = { functionName: [urnOf(specs.collector.type, "collector")] };
    expect(await messagesOf("lambda-function-event-invoke-config", toResources(specs), PROD)).to.deep.equal([]);
  });
});

describe("policy lambda-event-source-mapping-failure-handling", () => {
  const PROD = { maxRetryAttempts: 5, requireBisect: true, requireOnFailureDestination: true };
  const check = (edit?: (p: Props) => void, config: Props = PROD) =>
    messagesOf("lambda-event-source-mapping-failure-handling", stackWith("clicks-mapping", edit), config);

  it("passes the compliant stack", async () => {
    expect(await check()).to.deep.equal([]);
  });

  it("rejects retries above the maximum", async () => {
    expect(
      await check((p) => {
        p.maximumRetryAttempts = 10000;
      }),
    ).to.deep.equal(['Event source mapping "clicks-mapping" has maximumRetryAttempts 10000; the allowed range is 0 to 5.']);
  });

  it("judges missing retries as AWS's retry-until-expiry default", async () => {
    expect(
      await check((p) => {
        delete p.maximumRetryAttempts;
      }),
    ).to.deep.equal([
      'Event source mapping "clicks-mapping" does not set maximumRetryAttempts, so AWS retries until the record expires (-1); the allowed range is 0 to 5.',
    ]);
  });

  it("requires bisectBatchOnFunctionError", async () => {
    expect(
      await check((p) => {
        p.bisectBatchOnFunctionError = false;
      }),
    ).to.deep.equal(['Event source mapping "clicks-mapping" has bisectBatchOnFunctionError false; the required value is true.']);
    expect(
      await check((p) => {
        delete p.bisectBatchOnFunctionError;
      }),
    ).to.deep.equal([
      'Event source mapping "clicks-mapping" does not set bisectBatchOnFunctionError, so AWS uses its default of false; the required value is true.',
    ]);
  });

  it("requires an on-failure destination unless configured off", async () => {
    expect(
      await check((p) => {
        delete p.destinationConfig;
      }),
    ).to.deep.equal([
      'Event source mapping "clicks-mapping" has no on-failure destination (destinationConfig.onFailure.destinationArn is not set); one is required so records that exhaust their retries are kept.',
    ]);
    expect(
      await check(
        (p) => {
          delete p.destinationConfig;
        },
        { requireOnFailureDestination: false },
      ),
    ).to.deep.equal([]);
  });

  it("does not apply to SQS sources, which retry through the queue's redrive policy", async () => {
    expect(
      await check((p) => {
        p.eventSourceArn = "arn:aws:sqs:us-east-1:123456789012:jobs";
        delete p.startingPosition;
        delete p.maximumRetryAttempts;
        delete p.bisectBatchOnFunctionError;
        delete p.destinationConfig;
      }),
    ).to.deep.equal([]);
  });

  it("requires a bounded record age: -1 (retry until expiry) and values above the maximum are refused, a missing one is judged as -1", async () => {
    expect(
      await check((p) => {
        p.maximumRecordAgeInSeconds = -1;
      }),
    ).to.deep.equal(['Event source mapping "clicks-mapping" has maximumRecordAgeInSeconds -1 s; the allowed range is 60 to 86400 s.']);
    expect(
      await check((p) => {
        p.maximumRecordAgeInSeconds = 86401;
      }),
    ).to.deep.equal(['Event source mapping "clicks-mapping" has maximumRecordAgeInSeconds 86401 s; the allowed range is 60 to 86400 s.']);
    expect(
      await check((p) => {
        delete p.maximumRecordAgeInSeconds;
      }),
    ).to.deep.equal([
      'Event source mapping "clicks-mapping" does not set maximumRecordAgeInSeconds, so AWS retries a failing record until it expires from the stream (-1); the allowed range is 60 to 86400 s.',
    ]);
  });

  it("counts an on-failure destination whose ARN is not known yet (a first preview) as set", async () => {
    expect(
      await check((p) => {
        p.destinationConfig = { onFailure: { destinationArn: UNKNOWN } };
      }),
    ).to.deep.equal([]);
  });

  it("remediates retries and record age into range (-1 means forever, so each becomes its maximum) and turns bisect on", async () => {
    const remediate = eventSourceMappingFailureHandling.remediateResource!;
    const args = (props: Props) => remediationArgs("aws:lambda/eventSourceMapping:EventSourceMapping", "clicks-mapping", props, PROD);
    expect(await remediate(args({ eventSourceArn: "arn:aws:kinesis:us-east-1:1:stream/s", maximumRetryAttempts: -1 }))).to.deep.equal({
      eventSourceArn: "arn:aws:kinesis:us-east-1:1:stream/s",
      maximumRetryAttempts: 5,
      maximumRecordAgeInSeconds: 86400,
      bisectBatchOnFunctionError: true,
    });
    expect(
      await remediate(
        args({
          eventSourceArn: "arn:aws:kinesis:us-east-1:1:stream/s",
          maximumRetryAttempts: 2,
          maximumRecordAgeInSeconds: 30,
          bisectBatchOnFunctionError: true,
        }),
      ),
    ).to.deep.include({ maximumRecordAgeInSeconds: 60 });
    expect(
      await remediate(
        args({
          eventSourceArn: "arn:aws:kinesis:us-east-1:1:stream/s",
          maximumRetryAttempts: 2,
          maximumRecordAgeInSeconds: 3600,
          bisectBatchOnFunctionError: true,
        }),
      ),
    ).to.equal(undefined);
  });
});
