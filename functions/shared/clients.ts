import http from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { MAX_CALLS_IN_FLIGHT } from "../core/store";
import type { FunctionEnv } from "./env";

/** A socket that has not connected this long after it was opened fails its call (a dead endpoint), which the SDK retries. */
export const CONNECT_TIMEOUT_MS = 1_000;
/** A connected socket silent this long fails its call (smithy NodeHttpHandler `requestTimeout`). */
export const REQUEST_TIMEOUT_MS = 3_000;

type CreateConnection = (options: object, callback?: (error: Error | null, socket: Socket) => void) => Socket;

/**
 * Times the TCP connect of each new socket, from the moment it is opened. The SDK's own
 * `connectionTimeout` starts when a call is made, so a call queued behind busy sockets (a
 * 100-session batch, or local mode serving many requests on one client) failed as "did not
 * establish a connection" although nothing was wrong with the endpoint. Queue wait is bounded by
 * the request's budget instead (functions/core/collect.ts).
 * Node docs, "http.Agent" (`agent.createConnection`, `maxSockets`, `keepAlive`):
 * https://nodejs.org/api/http.html#class-httpagent
 */
export function withConnectTimeout<A extends http.Agent>(agent: A, timeoutMs: number): A {
  const target = agent as unknown as { createConnection: CreateConnection };
  const create = target.createConnection.bind(agent);
  target.createConnection = (options, callback) => {
    const socket = create(options, callback);
    if (!socket.connecting) return socket;
    const timer = setTimeout(() => {
      const error = new Error(`the socket did not connect to the DynamoDB endpoint within ${timeoutMs} ms`);
      socket.destroy(Object.assign(error, { name: "TimeoutError", code: "ETIMEDOUT" }));
    }, timeoutMs);
    timer.unref();
    const clear = () => clearTimeout(timer);
    socket.once("connect", clear);
    socket.once("close", clear);
    return socket;
  };
  return agent;
}

/**
 * The client's sockets: kept alive (one TLS handshake per socket per container), as many as one
 * request keeps calls in flight (functions/core/store.ts MAX_CALLS_IN_FLIGHT), so on Lambda no
 * call waits for a socket. AWS SDK for JavaScript v3 Developer Guide, "Configuring maxSockets in
 * Node.js": https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/node-configuring-maxsockets.html
 */
export function dynamoAgents(connectTimeoutMs = CONNECT_TIMEOUT_MS) {
  const options = { keepAlive: true, maxSockets: MAX_CALLS_IN_FLIGHT };
  return {
    httpAgent: withConnectTimeout(new http.Agent(options), connectTimeoutMs),
    httpsAgent: withConnectTimeout(new https.Agent(options), connectTimeoutMs),
  };
}

/**
 * One client per container, created at module scope by each handler. Retries follow the stack's
 * AWS_MAX_ATTEMPTS / AWS_RETRY_MODE; each call is bounded so a stalled socket cannot eat the whole
 * invocation, and a dead endpoint fails its connect within CONNECT_TIMEOUT_MS.
 */
export function createDynamoClient(env: FunctionEnv): DynamoDBClient {
  return new DynamoDBClient({
    region: env.region,
    maxAttempts: env.sdkMaxAttempts,
    retryMode: env.sdkRetryMode,
    endpoint: env.endpoint,
    // Local endpoints accept any credentials; real AWS uses the function's role.
    credentials: env.endpoint ? { accessKeyId: "local", secretAccessKey: "local" } : undefined,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, ...dynamoAgents() },
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
