import { expect } from "chai";
import { clientIpPrefix, normaliseIp, resolveClientIp } from "../../functions/core/ip";
import { createDocumentClient } from "../../functions/shared/clients";
import { ConfigError, readEnv } from "../../functions/shared/env";
import { collectorHandler } from "../../functions/shared/handlers";
import { toHttpRequest } from "../../functions/shared/lambda";
import { apiEvent, lambdaContext } from "../support/captured-logs";
import { scanAll } from "../support/collector";
import { functionEnvOn, stackFunctionEnv, useDynamo } from "../support/dynalite";

const SOURCE = "198.51.100.23";

describe("client IP (docs/api.md)", () => {
  describe("resolveClientIp", () => {
    it("uses API Gateway's source IP and ignores any X-Forwarded-For when no proxy is trusted", () => {
      expect(resolveClientIp(SOURCE, "6.6.6.6", 0)).to.equal(SOURCE);
      expect(resolveClientIp(SOURCE, "6.6.6.6, 7.7.7.7", 0)).to.equal(SOURCE);
      expect(resolveClientIp(SOURCE, undefined, 0)).to.equal(SOURCE);
      expect(resolveClientIp(" ::ffff:127.0.0.1 ", undefined, 0)).to.equal("::ffff:127.0.0.1");
    });

    it("behind N trusted proxies takes the address just left of them, whatever the client prepended", () => {
      // CloudFront (1 hop): the viewer's address is the last X-Forwarded-For entry; the source IP is the edge.
      expect(resolveClientIp("130.176.0.1", "203.0.113.9", 1)).to.equal("203.0.113.9");
      // The client forged "6.6.6.6, 7.7.7.7" in front: still the entry CloudFront appended.
      expect(resolveClientIp("130.176.0.1", "6.6.6.6, 7.7.7.7, 203.0.113.9", 1)).to.equal("203.0.113.9");
      // Two proxies (CDN → load balancer): the second-to-last entry.
      expect(resolveClientIp("10.0.0.5", "6.6.6.6, 203.0.113.9, 130.176.0.1", 2)).to.equal("203.0.113.9");
      expect(resolveClientIp("10.0.0.5", "2001:db8:1::7, 130.176.0.1", 2)).to.equal("2001:db8:1::7");
    });

    it("gives no address for a chain shorter than the trusted hops, a garbage entry or no source IP", () => {
      expect(resolveClientIp(SOURCE, undefined, 1)).to.equal(undefined); // the only entry left is ""
      expect(resolveClientIp(SOURCE, "203.0.113.9", 2)).to.equal(undefined);
      expect(resolveClientIp(SOURCE, "unknown", 1)).to.equal(undefined);
      expect(resolveClientIp(SOURCE, "203.0.113.9, <script>", 1)).to.equal(undefined);
      expect(resolveClientIp(SOURCE, "999.1.1.1", 1)).to.equal(undefined);
      expect(resolveClientIp(SOURCE, "1.2.3.4,,", 1)).to.equal(undefined);
      expect(resolveClientIp(undefined, "203.0.113.9", 1)).to.equal(undefined);
      expect(resolveClientIp("not-an-ip", undefined, 0)).to.equal(undefined);
    });

    it("drops a port some proxies append", () => {
      expect(normaliseIp("203.0.113.9:5123")).to.equal("203.0.113.9");
      expect(normaliseIp("[2001:db8::1]:443")).to.equal("2001:db8::1");
      expect(normaliseIp("[2001:db8::1]")).to.equal("2001:db8::1");
      expect(normaliseIp("203.0.113.9:")).to.equal(undefined);
    });

    it("stores only the network: /24 for IPv4, /48 for IPv6", () => {
      expect(clientIpPrefix(SOURCE, "6.6.6.6")).to.equal("198.51.100.0/24");
      expect(clientIpPrefix("130.176.0.1", "6.6.6.6, 2001:db8:1:2::3", 1)).to.equal("2001:db8:1::/48");
      expect(clientIpPrefix(SOURCE, "garbage", 1)).to.equal(undefined);
    });
  });

  it("toHttpRequest resolves the client address once, from the trusted hops", () => {
    const event = apiEvent("POST", "{}", { "x-forwarded-for": "6.6.6.6, 203.0.113.9" });
    event.requestContext.http.sourceIp = "130.176.0.1";
    expect(toHttpRequest(event).sourceIp).to.equal("130.176.0.1");
    expect(toHttpRequest(event, 1).sourceIp).to.equal("203.0.113.9");
    expect(toHttpRequest(event, 2).sourceIp).to.equal("6.6.6.6");
    expect(toHttpRequest(event, 3).sourceIp).to.equal(undefined);
  });

  it("TRUSTED_PROXY_HOPS is read from the function's env: required (no second default), a negative or fractional value is a clear error", () => {
    const tables = stackFunctionEnv({ events: "E", sessions: "S", activeSessions: "A" });
    expect(readEnv(tables, ["activeSessions"]).trustedProxyHops).to.equal(0);
    const { TRUSTED_PROXY_HOPS: _unset, ...without } = tables;
    expect(() => readEnv(without, ["activeSessions"])).to.throw(
      ConfigError,
      "Environment variable TRUSTED_PROXY_HOPS is required but not set",
    );
    expect(readEnv({ ...tables, TRUSTED_PROXY_HOPS: "2" }, ["activeSessions"]).trustedProxyHops).to.equal(2);
    for (const bad of ["-1", "1.5", "one"]) {
      expect(() => readEnv({ ...tables, TRUSTED_PROXY_HOPS: bad }, ["activeSessions"])).to.throw(
        ConfigError,
        `Environment variable TRUSTED_PROXY_HOPS must be a whole number >= 0; got "${bad}".`,
      );
    }
  });

  describe("through the real collector handler into dynalite", () => {
    const suite = useDynamo();

    async function post(hops: number, xff: string | undefined, id: string) {
      const { dynamo, tables } = suite;
      const env = functionEnvOn(suite, { ENVIRONMENT: "dev", TRUSTED_PROXY_HOPS: String(hops) });
      const handler = collectorHandler(env, createDocumentClient(dynamo.client()), () => undefined);
      const event = apiEvent(
        "POST",
        JSON.stringify({ event_type: "page_view", session_id: id, event_id: id }),
        xff === undefined ? {} : { "x-forwarded-for": xff },
      );
      if (xff === undefined) delete event.headers["x-forwarded-for"]; // apiEvent sends one by default
      event.requestContext.http.sourceIp = SOURCE;
      const out = await handler(event, lambdaContext(id));
      const stored = (await scanAll(dynamo.client(), tables.events)).find((e) => e.event_id === id);
      return { status: out.statusCode, ipPrefix: stored?.ip_prefix };
    }

    it("stores the source IP's prefix, never a forged X-Forwarded-For, at trustedProxyHops 0", async () => {
      expect(await post(0, "6.6.6.6", "ip-a")).to.deep.equal({ status: 200, ipPrefix: "198.51.100.0/24" });
    });

    it("stores the address the trusted proxy appended, never what the client prepended", async () => {
      expect(await post(1, "6.6.6.6, 203.0.113.9", "ip-b")).to.deep.equal({ status: 200, ipPrefix: "203.0.113.0/24" });
    });

    it("stores no ip_prefix, and still answers 200, for a garbage X-Forwarded-For", async () => {
      expect(await post(1, "not an address", "ip-c")).to.deep.equal({ status: 200, ipPrefix: undefined });
      expect(await post(1, "%00💥, ,", "ip-d")).to.deep.equal({ status: 200, ipPrefix: undefined });
      expect(await post(2, undefined, "ip-e")).to.deep.equal({ status: 200, ipPrefix: undefined });
    });
  });
});
