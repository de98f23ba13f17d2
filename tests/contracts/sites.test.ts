import { expect } from "chai";
import fc from "fast-check";
import { functionEnvironment } from "../../contracts/function-env";
import {
  apiCorsOrigins,
  hostMatches,
  hostOfUrl,
  knownIds,
  LOCAL_SITE,
  parseSites,
  SITES_ENV_MAX_BYTES,
  type Site,
  siteCorsOrigins,
  sitesEnvValue,
} from "../../contracts/sites";
import { tableNamesFor } from "../../contracts/tables";

const site = (id: string, hosts: string[], allowServer = false): Site => ({ id, hosts, allowServer });

describe("contracts/sites (the site table)", () => {
  it("parses JSON text or a list, defaults allowServer to false and drops repeated hosts", () => {
    expect(parseSites('[{"id":"shop","hosts":["shop.io","shop.io","*.shop.io"]}]')).to.deep.equal([site("shop", ["shop.io", "*.shop.io"])]);
    expect(parseSites([{ id: "feed", hosts: ["localhost:8080"], allowServer: true }])).to.deep.equal([
      site("feed", ["localhost:8080"], true),
    ]);
  });

  it("takes the any-host '*' only where local mode allows it", () => {
    expect(() => parseSites([{ id: "shop", hosts: ["*"] }])).to.throw(`sites[0] ("shop").hosts[0] "*" is local mode's alone`);
    expect(parseSites([{ id: "shop", hosts: ["*"] }], { anyHost: true })[0]!.hosts).to.deep.equal(["*"]);
  });

  it("refuses ports except on loopback hosts, upper case, schemes and paths", () => {
    for (const bad of ["shop.io:8443", "Shop.io", "https://shop.io", "shop.io/", "*.", "a..b", "-a.io", "*.*.a.io"])
      expect(() => parseSites([{ id: "shop", hosts: [bad] }]), bad).to.throw(`sites[0] ("shop").hosts[0] must be a host name`);
    for (const good of ["localhost:8080", "127.0.0.1:5173", "[::1]:3000", "localhost", "xn--bcher-kva.example", "*.a.io"])
      expect(parseSites([{ id: "shop", hosts: [good] }])[0]!.hosts, good).to.deep.equal([good]);
  });

  it("matches a host exactly (any port unless the pattern names one), and *. only below the name", () => {
    const cases: [string, string, boolean][] = [
      ["shop.io", "shop.io", true],
      ["shop.io", "shop.io:8443", true],
      ["shop.io", "www.shop.io", false],
      ["shop.io", "evilshop.io", false],
      ["*.shop.io", "www.shop.io", true],
      ["*.shop.io", "a.b.shop.io", true],
      ["*.shop.io", "shop.io", false],
      ["*.shop.io", "evilshop.io", false],
      ["*.shop.io", ".shop.io", false],
      ["localhost:8080", "localhost:8080", true],
      ["localhost:8080", "localhost:8081", false],
      ["localhost", "localhost:8081", true],
      ["*", "anything.at.all:1", true],
    ];
    for (const [pattern, host, expected] of cases) expect(hostMatches(pattern, host), `${pattern} ~ ${host}`).to.equal(expected);
  });

  it("never lets a wildcard match a host that does not end in '.' + its name (any labels)", () => {
    const label = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 3 }), fc.array(label, { minLength: 1, maxLength: 3 }), (base, host) => {
        const name = base.join(".");
        const candidate = host.join(".");
        expect(hostMatches(`*.${name}`, candidate)).to.equal(candidate.endsWith(`.${name}`));
      }),
    );
  });

  it("reads the host of an Origin or Referer, and nothing from 'null' or non-http URLs", () => {
    expect(hostOfUrl("https://WWW.Shop.io")).to.equal("www.shop.io");
    expect(hostOfUrl("http://localhost:8080/page?q=1")).to.equal("localhost:8080");
    expect(hostOfUrl("https://shop.io:443/")).to.equal("shop.io");
    for (const none of ["null", "file:///tmp/x.html", "chrome-extension://abc/", "not a url", "", undefined])
      expect(hostOfUrl(none), String(none)).to.equal(undefined);
  });

  it("derives the API's CORS origins: https per host, http on loopback, https://* for a wildcard, * for local", () => {
    const sites = [site("shop", ["shop.io", "www.shop.io", "*.shop.io"]), site("dev", ["localhost:8080", "127.0.0.1", "shop.io"])];
    expect(siteCorsOrigins(sites)).to.deep.equal([
      "https://shop.io",
      "https://www.shop.io",
      "https://*",
      "http://localhost:8080",
      "http://127.0.0.1",
    ]);
    expect(siteCorsOrigins([LOCAL_SITE, ...sites])).to.deep.equal(["*"]);
    expect(siteCorsOrigins([])).to.deep.equal([]);
  });

  it("merges the stack's extra CORS origins with the sites' without repeats; * stands alone", () => {
    const sites = [site("shop", ["shop.io", "www.shop.io"])];
    expect(apiCorsOrigins(["https://www.shop.io", "https://admin.shop.io"], sites)).to.deep.equal([
      "https://www.shop.io",
      "https://admin.shop.io",
      "https://shop.io",
    ]);
    expect(apiCorsOrigins(["*"], sites)).to.deep.equal(["*"]);
    expect(apiCorsOrigins([], [])).to.deep.equal([]);
  });

  it("lists at most ten known ids in a message", () => {
    expect(knownIds([])).to.equal("none");
    const many = Array.from({ length: 12 }, (_, i) => site(`site-${i}`, ["a.io"]));
    expect(knownIds(many.slice(0, 3))).to.equal("site-0, site-1, site-2");
    expect(knownIds(many)).to.equal("site-0, site-1, site-2, site-3, site-4, site-5, site-6, site-7, site-8, site-9 and 2 more");
  });

  it("keeps the whole collector environment within Lambda's 4 KB when SITES takes its full bound", () => {
    // The longest stack name a table name allows, so every other variable is as long as it gets.
    const stack = "x".repeat(40);
    const filler = (n: number) => [site("s".repeat(40), [`${"h".repeat(n)}.io`])];
    let sites = filler(1);
    for (let n = 1; Buffer.byteLength(sitesEnvValue(filler(n))) <= SITES_ENV_MAX_BYTES; n++) sites = filler(n);
    expect(Buffer.byteLength(sitesEnvValue(sites))).to.be.within(SITES_ENV_MAX_BYTES - 1, SITES_ENV_MAX_BYTES);
    const env = functionEnvironment("collector", stack, tableNamesFor(stack), {
      hotRetentionDays: 3653,
      sdkMaxAttempts: 10,
      sdkRetryMode: "adaptive",
      trustedProxyHops: 10,
      realtimePeakWriteUnits: 10000,
      sites,
      defaultSite: "s".repeat(40),
    });
    const total = Object.entries(env).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
    expect(total).to.be.at.most(4096);
  });
});
