/**
 * Local mode's API Gateway emulation (local/api-gateway.ts, local/server.ts) over real sockets:
 * each documented rule the deployed HTTP API follows, with a recording function behind it so the
 * test sees the exact payload-2.0 event the function would get.
 */

import type http from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { expect } from "chai";
import { createLocalApi, type LambdaHandler } from "../../local/server";

const ALLOWED = "https://shop.example.com";
const REFUSED = "https://evil.example.net";

/** Sends raw bytes and returns the raw answer (up to the server closing or 2 s of silence). */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.end(text));
    let answer = "";
    socket.setTimeout(2000, () => socket.destroy());
    socket.on("data", (d) => (answer += d.toString()));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("local API Gateway emulation", () => {
  const received: APIGatewayProxyEventV2[] = [];
  let server: http.Server;
  let base: string;
  let port: number;

  const recording: LambdaHandler = async (event) => {
    received.push(event);
    if (event.headers["x-throw"]) throw new Error("boom");
    return {
      statusCode: 200,
      headers: { "content-type": "application/json", "Access-Control-Allow-Origin": "https://backend.example" },
      body: "{}",
    };
  };

  before(async () => {
    server = createLocalApi({ collector: recording, realtime: recording, timeoutMs: 1000, corsOrigins: [ALLOWED] });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (received.length = 0));

  const corsHeaders = (res: Response) => [...res.headers.keys()].filter((k) => k.startsWith("access-control-"));

  it("answers a preflight from an allowed origin itself with the configured CORS headers", async () => {
    const res = await fetch(`${base}/events`, { method: "OPTIONS", headers: { origin: ALLOWED, "access-control-request-method": "POST" } });
    expect(res.status).to.equal(204);
    expect(Object.fromEntries([...res.headers].filter(([k]) => k.startsWith("access-control-")))).to.deep.equal({
      "access-control-allow-origin": ALLOWED,
      "access-control-allow-methods": "GET,POST",
      "access-control-allow-headers": "content-type",
      "access-control-max-age": "7200",
    });
    expect(received).to.have.length(0);
  });

  it("gives a preflight from an origin not allowed no CORS headers", async () => {
    const res = await fetch(`${base}/events`, { method: "OPTIONS", headers: { origin: REFUSED, "access-control-request-method": "POST" } });
    expect(res.status).to.equal(204);
    expect(corsHeaders(res)).to.deep.equal([]);
  });

  it("routes an OPTIONS without Access-Control-Request-Method like any request: no OPTIONS route, so 404", async () => {
    const res = await fetch(`${base}/events`, { method: "OPTIONS", headers: { origin: ALLOWED } });
    expect(res.status).to.equal(404);
    expect(await res.json()).to.deep.equal({ message: "Not Found" });
    expect(received).to.have.length(0);
  });

  it('answers an unknown path with {"message":"Not Found"} without invoking a function', async () => {
    const res = await fetch(`${base}/events/extra`, { method: "POST", body: "{}" });
    expect(res.status).to.equal(404);
    expect(await res.json()).to.deep.equal({ message: "Not Found" });
    expect(received).to.have.length(0);
  });

  it("adds the configured CORS headers to an integration response and drops the integration's own", async () => {
    const allowed = await fetch(`${base}/events`, { method: "POST", headers: { origin: ALLOWED }, body: "{}" });
    expect(allowed.headers.get("access-control-allow-origin")).to.equal(ALLOWED);
    const refused = await fetch(`${base}/events`, { method: "POST", headers: { origin: REFUSED }, body: "{}" });
    expect(refused.status).to.equal(200);
    expect(corsHeaders(refused)).to.deep.equal([]);
  });

  it("sends a wrong method on a known path to the function with its own route key", async () => {
    const res = await fetch(`${base}/events?a=1&a=2`, { method: "DELETE" });
    expect(res.status).to.equal(200);
    expect(
      received.map((e) => [e.routeKey, e.requestContext.http.method, e.rawPath, e.rawQueryString, e.queryStringParameters]),
    ).to.deep.equal([["DELETE /events", "DELETE", "/events", "a=1&a=2", { a: "1,2" }]]);
  });

  it("hands the function lower-cased header names, comma-joined duplicates, cookies apart and the socket peer as sourceIp", async () => {
    await rawRequest(
      port,
      "POST /events HTTP/1.1\r\nHost: x\r\nX-Custom-Header: A\r\nAccept: a\r\nAccept: b\r\nCookie: one=1; two=2\r\n" +
        "X-Forwarded-For: 203.0.113.9\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    );
    expect(received).to.have.length(1);
    const event = received[0];
    expect(Object.keys(event.headers).every((k) => k === k.toLowerCase())).to.equal(true);
    expect(event.headers["x-custom-header"]).to.equal("A");
    expect(event.headers.accept).to.equal("a, b");
    expect(event.headers.cookie).to.equal(undefined);
    expect(event.cookies).to.deep.equal(["one=1", "two=2"]);
    expect(event.requestContext.http.sourceIp).to.equal("127.0.0.1");
    expect(event.body).to.equal("{}");
  });

  it("answers a throwing function with API Gateway's 500 body", async () => {
    const res = await fetch(`${base}/events`, { method: "POST", headers: { "x-throw": "1" }, body: "{}" });
    expect(res.status).to.equal(500);
    expect(await res.json()).to.deep.equal({ message: "Internal Server Error" });
  });

  for (const target of ["//", "http://[::1", "//evil.example/x", "http://[::1]:99999/events"]) {
    it(`answers the request-target ${JSON.stringify(target)} with 400 and keeps serving`, async () => {
      const answer = await rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(answer.split("\r\n")[0]).to.equal("HTTP/1.1 400 Bad Request");
      expect(answer).to.include('{"message":"Bad Request"}');
      expect(received).to.have.length(0);
      expect((await fetch(`${base}/nope`)).status).to.equal(404);
    });
  }
});
