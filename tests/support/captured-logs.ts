/**
 * Runs the real collector handler module (functions/collector.ts, env read at module scope as in
 * Lambda) against dynalite and captures exactly what it writes to stdout. Tests of the log line
 * and of the metric filter patterns use these lines, so they prove the patterns against what the
 * function really writes. Runs once per process: the handler module reads its env once.
 */
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { redirectRequestLines } from "../../functions/shared/logger";
import { stackFunctionEnv, startDynamo } from "./dynalite";

export interface CapturedRequest {
  name: string;
  status: number;
  lines: string[];
}

export function apiEvent(method: string, body: string | undefined, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: `${method} /events`,
    rawPath: "/events",
    rawQueryString: "",
    body,
    isBase64Encoded: false,
    headers: { "content-type": "application/json", "user-agent": "capture/1.0", "x-forwarded-for": "203.0.113.77", ...headers },
    requestContext: {
      http: { method, path: "/events", protocol: "HTTP/1.1", sourceIp: "203.0.113.77", userAgent: "capture/1.0" },
      requestId: `api-${method}`,
    } as APIGatewayProxyEventV2["requestContext"],
  };
}

export const lambdaContext = (id: string) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 5000 }) as unknown as Context;

let captured: Promise<CapturedRequest[]> | undefined;

export function capturedCollectorRequests(): Promise<CapturedRequest[]> {
  return (captured ??= capture());
}

async function capture(): Promise<CapturedRequest[]> {
  const dynamo = await startDynamo();
  const tables = await dynamo.freshTables();
  const functionEnv = stackFunctionEnv(tables, {
    ENVIRONMENT: "dev",
    HOT_RETENTION_DAYS: "30",
    AWS_MAX_ATTEMPTS: "1",
    AWS_REGION: "us-east-1",
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    // local (every host, the default) and one site with a host, so a foreign page can be refused.
    SITES: '[{"id":"local","hosts":["*"],"allowServer":true},{"id":"shop","hosts":["shop.test"]}]',
  });
  const saved = Object.fromEntries(Object.keys(functionEnv).map((k) => [k, process.env[k]]));
  Object.assign(process.env, functionEnv);
  // The module reads its env once, at load; restore ours so child processes of later tests
  // (local mode) do not inherit an endpoint that is closed below.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require("../../functions/collector") as {
    handler: (e: APIGatewayProxyEventV2, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
  };
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  const results: CapturedRequest[] = [];
  const run = async (name: string, event: APIGatewayProxyEventV2) => {
    const lines: string[] = [];
    // The handler's own stdoutSink, redirected: exactly the text it would write to stdout.
    const restore = redirectRequestLines((text) => lines.push(...text.split("\n").filter(Boolean)));
    try {
      const out = await handler(event, lambdaContext(`req-${results.length + 1}`));
      results.push({ name, status: out.statusCode ?? 0, lines });
    } finally {
      restore();
    }
  };
  const now = Date.now();
  await run(
    "single",
    apiEvent("POST", JSON.stringify({ event_type: "page_view", session_id: "cap-s1", page_url: "https://e.com/", timestamp: now - 1000 })),
  );
  await run(
    "batch",
    apiEvent(
      "POST",
      JSON.stringify({
        events: [
          ...[1, 2, 3].map((i) => ({ event_type: "click", session_id: "cap-s1", timestamp: now - 900 + i })),
          ...[1, 2].map((i) => ({ event_type: "page_view", session_id: "cap-s2", timestamp: now - 900 + i })),
        ],
      }),
    ),
  );
  await run("invalid", apiEvent("POST", JSON.stringify({ events: [{ event_type: "ok" }, { event_type: "Bad" }] })));
  await run("malformed", apiEvent("POST", "{not json"));
  await run("method", apiEvent("GET", undefined));
  const shopPage = {
    origin: "https://shop.test",
    "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  };
  const twoEvents = (site: string) =>
    JSON.stringify({ events: [1, 2].map((i) => ({ event_type: "click", site_id: site, timestamp: now - i })) });
  await run("bot", apiEvent("POST", twoEvents("shop"), shopPage));
  await run("origin", apiEvent("POST", twoEvents("shop"), { origin: "https://elsewhere.test" }));
  await run("unknown-site", apiEvent("POST", twoEvents("nope")));
  await dynamo.client().send(new DeleteTableCommand({ TableName: tables.sessions }));
  await run("storage-down", apiEvent("POST", JSON.stringify({ event_type: "click", session_id: "cap-s3" })));
  await dynamo.close();
  return results;
}
