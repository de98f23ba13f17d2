import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { FunctionEnv } from "./env";

/**
 * One client per container, created at module scope by each handler. Retries follow the stack's
 * AWS_MAX_ATTEMPTS / AWS_RETRY_MODE; connections are kept alive (the SDK default) and each
 * request is bounded so a stalled socket cannot eat the whole invocation.
 */
export function createDynamoClient(env: FunctionEnv): DynamoDBClient {
  return new DynamoDBClient({
    region: env.region,
    maxAttempts: env.sdkMaxAttempts,
    retryMode: env.sdkRetryMode,
    endpoint: env.endpoint,
    // Local endpoints accept any credentials; real AWS uses the function's role.
    credentials: env.endpoint ? { accessKeyId: "local", secretAccessKey: "local" } : undefined,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 },
  });
}

/**
 * Both functions' document client over `client`. It shares the client's middleware stack, so a
 * fault injector added to the client applies to its calls too. No translate options:
 * DynamoDBDocumentClient.from stores them on the wrapped client's config, where the next document
 * client of the same client would replace them, so the collector needs none (it writes no
 * undefined values, and user-supplied numbers go as NumberValue).
 */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client);
}
