import { expect } from "chai";
import { lambdaMemoryRange, lambdaTimeoutRange } from "../../policy/lambda";
import { messagesOf, remediationArgs, runWith, stackWith } from "./fixtures";

const PROD_MEMORY = { minMemoryMb: 256, maxMemoryMb: 3008 };
const PROD_TIMEOUT = { minTimeoutSeconds: 3, maxTimeoutSeconds: 15 };

const FUNCTION = "aws:lambda/function:Function";

describe("policy lambda-function-memory-range", () => {
  const check = (edit?: (p: Record<string, any>) => void, config: object = PROD_MEMORY) =>
    messagesOf("lambda-function-memory-range", stackWith("collector", edit), config as Record<string, unknown>);

  it("passes the compliant stack", async () => {
    expect(await check()).to.deep.equal([]);
  });

  it("rejects memory above the maximum, naming the value and range", async () => {
    expect(
      await check((p) => {
        p.memorySize = 10240;
      }),
    ).to.deep.equal(['Lambda function "collector" has memorySize 10240 MB; the allowed range is 256 to 3008 MB.']);
  });

  it("rejects memory below the minimum", async () => {
    expect(
      await check((p) => {
        p.memorySize = 128;
      }),
    ).to.deep.equal(['Lambda function "collector" has memorySize 128 MB; the allowed range is 256 to 3008 MB.']);
  });

  it("judges a missing memorySize as the AWS default of 128 MB", async () => {
    expect(
      await check((p) => {
        delete p.memorySize;
      }),
    ).to.deep.equal([
      'Lambda function "collector" does not set memorySize, so AWS uses its default of 128 MB; the allowed range is 256 to 3008 MB.',
    ]);
  });

  it("ignores resources of other types", async () => {
    const result = await runWith(
      stackWith("collector-logs", (p) => {
        p.memorySize = 99999;
      }),
      {},
      "lambda-function-memory-range",
    );
    expect(result.violations).to.deep.equal([]);
  });

  it("remediates by clamping into the range and returns the new props", async () => {
    const remediate = lambdaMemoryRange.remediateResource!;
    const props = { memorySize: 10240, timeout: 10 };
    expect(await remediate(remediationArgs(FUNCTION, "collector", props, PROD_MEMORY))).to.deep.equal({ memorySize: 3008, timeout: 10 });
    expect(await remediate(remediationArgs(FUNCTION, "collector", { timeout: 10 }, PROD_MEMORY))).to.deep.equal({
      memorySize: 256,
      timeout: 10,
    });
    expect(await remediate(remediationArgs(FUNCTION, "collector", { memorySize: 512 }, PROD_MEMORY))).to.equal(undefined);
  });
});

describe("policy lambda-function-timeout-range", () => {
  const check = (edit?: (p: Record<string, any>) => void, config: object = PROD_TIMEOUT) =>
    messagesOf("lambda-function-timeout-range", stackWith("collector", edit), config as Record<string, unknown>);

  it("passes the compliant stack", async () => {
    expect(await check()).to.deep.equal([]);
  });

  it("rejects a timeout above the maximum", async () => {
    expect(
      await check((p) => {
        p.timeout = 120;
      }),
    ).to.deep.equal(['Lambda function "collector" has timeout 120 s; the allowed range is 3 to 15 s.']);
  });

  it("rejects a timeout below the minimum", async () => {
    expect(
      await check((p) => {
        p.timeout = 1;
      }),
    ).to.deep.equal(['Lambda function "collector" has timeout 1 s; the allowed range is 3 to 15 s.']);
  });

  it("judges a missing timeout as the AWS default of 3 s", async () => {
    expect(
      await check(
        (p) => {
          delete p.timeout;
        },
        { minTimeoutSeconds: 5, maxTimeoutSeconds: 15 },
      ),
    ).to.deep.equal(['Lambda function "collector" does not set timeout, so AWS uses its default of 3 s; the allowed range is 5 to 15 s.']);
    expect(
      await check((p) => {
        delete p.timeout;
      }),
    ).to.deep.equal([]);
  });

  it("remediates by clamping into the range and returns the new props", async () => {
    const remediate = lambdaTimeoutRange.remediateResource!;
    expect(await remediate(remediationArgs(FUNCTION, "collector", { timeout: 120, memorySize: 512 }, PROD_TIMEOUT))).to.deep.equal({
      timeout: 15,
      memorySize: 512,
    });
    expect(await remediate(remediationArgs(FUNCTION, "collector", { timeout: 1 }, PROD_TIMEOUT))).to.deep.equal({ timeout: 3 });
    expect(await remediate(remediationArgs(FUNCTION, "collector", { timeout: 10 }, PROD_TIMEOUT))).to.equal(undefined);
  });
});

describe("policy lambda memory and timeout ranges for batch functions (tag liveinsight:workload: batch)", () => {
  const batch = (p: Record<string, any>) => {
    p.tags = { "liveinsight:workload": "batch" };
  };

  it("judges a batch function's timeout by the batch range: 300 s passes in prod, 901 s and 5 s do not", async () => {
    const timeout = (seconds: number) =>
      messagesOf(
        "lambda-function-timeout-range",
        stackWith("collector", (p) => {
          batch(p);
          p.timeout = seconds;
        }),
      );
    expect(await timeout(300)).to.deep.equal([]);
    expect(await timeout(5)).to.deep.equal([
      'Lambda function "collector" (liveinsight:workload: batch) has timeout 5 s; the allowed range is 10 to 900 s.',
    ]);
  });

  it("keeps the API range for an untagged function: 300 s fails", async () => {
    expect(
      await messagesOf(
        "lambda-function-timeout-range",
        stackWith("collector", (p) => {
          p.timeout = 300;
        }),
      ),
    ).to.deep.equal(['Lambda function "collector" has timeout 300 s; the allowed range is 3 to 11 s.']);
  });

  it("judges a batch function's memory by the batch range", async () => {
    expect(
      await messagesOf(
        "lambda-function-memory-range",
        stackWith("collector", (p) => {
          batch(p);
          p.memorySize = 4096;
        }),
        { maxBatchMemoryMb: 2048 },
      ),
    ).to.deep.equal([
      'Lambda function "collector" (liveinsight:workload: batch) has memorySize 4096 MB; the allowed range is 256 to 2048 MB.',
    ]);
  });
});

describe("policy lambda memory and timeout ranges for query functions (tag liveinsight:workload: query)", () => {
  const query =
    (edit: (p: Record<string, any>) => void) =>
    (p: Record<string, any>): void => {
      p.tags = { "liveinsight:workload": "query" };
      edit(p);
    };
  const timeout = (seconds: number, config?: object) =>
    messagesOf(
      "lambda-function-timeout-range",
      stackWith(
        "collector",
        query((p) => {
          p.timeout = seconds;
        }),
      ),
      config as Record<string, unknown> | undefined,
    );

  it("passes the stats function's 29 s under the prod profile, where an API function may take 11 s at most", async () => {
    expect(await timeout(29)).to.deep.equal([]);
  });

  it("rejects a query function's timeout of 30 s (API Gateway's integration limit) and of 5 s, naming the query range", async () => {
    expect(await timeout(30)).to.deep.equal([
      'Lambda function "collector" (liveinsight:workload: query) has timeout 30 s; the allowed range is 10 to 29 s.',
    ]);
    expect(await timeout(5)).to.deep.equal([
      'Lambda function "collector" (liveinsight:workload: query) has timeout 5 s; the allowed range is 10 to 29 s.',
    ]);
  });

  it("reads the query range from its own settings, not the API's or the batch one", async () => {
    expect(await timeout(29, { maxTimeoutSeconds: 60, maxBatchTimeoutSeconds: 60, maxQueryTimeoutSeconds: 20 })).to.deep.equal([
      'Lambda function "collector" (liveinsight:workload: query) has timeout 29 s; the allowed range is 10 to 20 s.',
    ]);
  });

  it("judges a query function's memory by the query range", async () => {
    expect(
      await messagesOf(
        "lambda-function-memory-range",
        stackWith(
          "collector",
          query((p) => {
            p.memorySize = 4096;
          }),
        ),
        { maxQueryMemoryMb: 1024 },
      ),
    ).to.deep.equal([
      'Lambda function "collector" (liveinsight:workload: query) has memorySize 4096 MB; the allowed range is 256 to 1024 MB.',
    ]);
  });

  it("judges a function with an unknown workload tag by the API range", async () => {
    expect(
      await messagesOf(
        "lambda-function-timeout-range",
        stackWith("collector", (p) => {
          p.tags = { "liveinsight:workload": "slow" };
          p.timeout = 29;
        }),
      ),
    ).to.deep.equal(['Lambda function "collector" has timeout 29 s; the allowed range is 3 to 11 s.']);
  });

  it("remediates a query function into the query range", async () => {
    const remediate = lambdaTimeoutRange.remediateResource!;
    const tags = { "liveinsight:workload": "query" };
    expect(await remediate(remediationArgs(FUNCTION, "stats", { timeout: 60, tags }, {}))).to.deep.equal({ timeout: 29, tags });
  });
});
