import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { FunctionEnv } from "./env";

/**
 * One client per container, created at module scope by each handler. Retries follow the stack's
 * AWS_MAX_ATTEMPTS / AWS_RETRY_MODE; connections are kept alive (the SDK default) and each
 * request is bounded so a stalled socket cannot eat the whole invocation.
 */
export function createDynamoClient(env: FunctionEnv): DynamoDBClient {
  return new DynamoDBClient({
    region: env.region,
    maxAttempts: env.maxAttempts,
    retryMode: env.retryMode,
    endpoint: env.endpoint,
    // Local endpoints accept any credentials; real AWS uses the function's role.
    credentials: env.endpoint ? { accessKeyId: "local", secretAccessKey: "local" } : undefined,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 },
  });
}
