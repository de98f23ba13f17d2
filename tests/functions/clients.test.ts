/**
 * The DynamoDB client's sockets (functions/shared/clients.ts, issue 17 §2): waiting for a busy
 * socket never counts as a failed connection, a dead endpoint still fails fast as a 503, and a
 * 100-session batch keeps at most the fan-out bound of calls in flight.
 */
import { EventEmitter, once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import type { TableNames } from "../../contracts/tables";
import { MAX_CALLS_IN_FLIGHT, WRITE_CONCURRENCY } from "../../functions/core/store";
import { CONNECT_TIMEOUT_MS, createDynamoClient, dynamoAgents, withConnectTimeout } from "../../functions/shared/clients";
import { readEnv } from "../../functions/shared/env";
import { manySessionBatch } from "../bench/many-sessions-load";
import { collect, testDeps } from "../support/collector";
import { stackFunctionEnv, startDynamo, type TestDynamo } from "../support/dynalite";

/** An HTTP server answering every request with `{}` (an absent DynamoDB item) after `delayMs`. */
async function slowServer(delayMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    setTimeout(() => res.writeHead(200, { "content-type": "application/x-amz-json-1.0" }).end("{}"), delayMs);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const credentials = { accessKeyId: "t", secretAccessKey: "t" };
const get = (client: DynamoDBClient, i: number) =>
  client.send(new GetItemCommand({ TableName: "T", Key: { id: { S: `k${i}` } } })).then(
    () => "ok",
    (error: Error) => error.name,
  );

describe("DynamoDB client sockets: queue wait is not a connection failure, a dead endpoint still is", () => {
  it("sizes the sockets to one request's fan-out: conditional writes plus its event batches", () => {
    expect(MAX_CALLS_IN_FLIGHT).to.equal(WRITE_CONCURRENCY + 4);
    const { httpAgent, httpsAgent } = dynamoAgents();
    expect([httpAgent.maxSockets, httpsAgent.maxSockets]).to.deep.equal([MAX_CALLS_IN_FLIGHT, MAX_CALLS_IN_FLIGHT]);
    const keepAlive = (agent: http.Agent) => (agent as unknown as { keepAlive: boolean }).keepAlive;
    expect([keepAlive(httpAgent), keepAlive(httpsAgent)]).to.deep.equal([true, true]);
  });

  it("the SDK's own connectionTimeout counts socket queue wait (why the client does not use it)", async () => {
    const server = await slowServer(100);
    const client = new DynamoDBClient({
      endpoint: server.url,
      region: "us-east-1",
      credentials,
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 50, httpAgent: new http.Agent({ keepAlive: true, maxSockets: 1 }) },
    });
    try {
      const results = await Promise.all([0, 1, 2, 3].map((i) => get(client, i)));
      expect(results.filter((r) => r === "TimeoutError").length).to.be.at.least(2);
    } finally {
      client.destroy();
      await server.close();
    }
  });

  it("lets calls wait for a busy socket however long, timing only the connect", async () => {
    const server = await slowServer(100);
    const client = new DynamoDBClient({
      endpoint: server.url,
      region: "us-east-1",
      credentials,
      maxAttempts: 1,
      requestHandler: { httpAgent: withConnectTimeout(new http.Agent({ keepAlive: true, maxSockets: 1 }), 50) },
    });
    try {
      // eight calls on one socket: the last waits about 700 ms for it, fourteen times the connect timeout
      expect(await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => get(client, i)))).to.deep.equal(Array(8).fill("ok"));
    } finally {
      client.destroy();
      await server.close();
    }
  });

  it("destroys a socket that has not connected within the timeout with a retryable TimeoutError", async () => {
    const destroyed: Error[] = [];
    const pending = Object.assign(new EventEmitter(), {
      connecting: true,
      destroy: (error: Error) => destroyed.push(error),
    });
    const agent = withConnectTimeout(Object.assign(new http.Agent(), { createConnection: () => pending }), 20);
    (agent as unknown as { createConnection(o: object): unknown }).createConnection({});
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(destroyed.map((e) => [e.name, e.message])).to.deep.equal([
      ["TimeoutError", "the socket did not connect to the DynamoDB endpoint within 20 ms"],
    ]);
    expect(CONNECT_TIMEOUT_MS).to.equal(1_000);
  });

  it("answers 503 when the endpoint is a closed port, with the connection error, well inside the budget", async () => {
    const closed = http.createServer();
    closed.listen(0, "127.0.0.1");
    await once(closed, "listening");
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const tables: TableNames = { events: "E", sessions: "S", activeSessions: "A" };
    const env = readEnv(stackFunctionEnv(tables, { DYNAMODB_ENDPOINT: `http://127.0.0.1:${port}`, AWS_MAX_ATTEMPTS: "2" }), [
      "events",
      "sessions",
      "activeSessions",
    ]);
    const client = createDynamoClient(env);
    try {
      const out = await collect(testDeps(client, tables, { remainingTimeMs: () => 60_000 }), { event_type: "click", session_id: "s" });
      expect([out.result.statusCode, out.json.error, (out.error as NodeJS.ErrnoException).code]).to.deep.equal([
        503,
        "StorageUnavailable",
        "ECONNREFUSED",
      ]);
    } finally {
      client.destroy();
    }
  });

  describe("a 100-session batch", () => {
    let dynamo: TestDynamo;
    before(async () => (dynamo = await startDynamo()));
    after(async () => dynamo.close());

    it("keeps at most the fan-out bound of calls in flight, and stores every session", async () => {
      const tables = await dynamo.freshTables();
      const client = dynamo.client();
      let inFlight = 0;
      let peak = 0;
      client.middlewareStack.add(
        (next) => async (args) => {
          peak = Math.max(peak, ++inFlight);
          try {
            return await next(args);
          } finally {
            inFlight--;
          }
        },
        { step: "initialize", name: "countInFlight" },
      );
      const out = await collect(testDeps(client, tables), manySessionBatch("b", 100, Date.now()));
      expect(out.result.statusCode).to.equal(200);
      expect(new Set(out.json.session_ids).size).to.equal(100);
      expect(peak).to.be.within(WRITE_CONCURRENCY, MAX_CALLS_IN_FLIGHT);
    });
  });
});
