import { expect } from "chai";
import { DEV_TAGS, messagesOf, stackWith } from "./fixtures";

type Props = Record<string, any>;

describe("policy apigatewayv2-api-cors-no-wildcard", () => {
  const PROD = { allowAnyOrigin: false };
  const check = (edit?: (p: Props) => void, config: Props = PROD) =>
    messagesOf("apigatewayv2-api-cors-no-wildcard", stackWith("api-http", edit), config);

  it("passes the compliant stack (exact origins, and https://* for a *. host)", async () => {
    expect(await check()).to.deep.equal([]);
  });

  it('refuses "*" and "http://*" in a prod stack, naming both', async () => {
    expect(
      await check((p) => {
        p.corsConfiguration.allowOrigins = ["*", "https://shop.io", "http://*"];
      }),
    ).to.deep.equal([
      'HTTP API "api-http" has corsConfiguration.allowOrigins "*", "http://*", which lets any page read its answers; list the sites\' hosts in liveinsight:sites and remove "*" from liveinsight:corsOrigins.',
    ]);
  });

  it("allows any origin under the dev profile", async () => {
    const open = stackWith("api-http", (p) => {
      p.corsConfiguration.allowOrigins = ["*"];
    });
    expect(await messagesOf("apigatewayv2-api-cors-no-wildcard", open, {}, DEV_TAGS)).to.deep.equal([]);
  });
});

describe("policy lambda-function-sites-hosts", () => {
  const check = (edit?: (p: Props) => void) => messagesOf("lambda-function-sites-hosts", stackWith("collector", edit), {});
  const setSites = (sites: unknown) => (p: Props) => {
    p.environment.variables.SITES = typeof sites === "string" ? sites : JSON.stringify(sites);
  };

  it("passes the compliant stack", async () => {
    expect(await check()).to.deep.equal([]);
  });

  it("refuses a site without hosts and one accepting every host, naming each", async () => {
    expect(
      await check(
        setSites([
          { id: "shop", hosts: [] },
          { id: "blog", hosts: ["*"] },
          { id: "ok", hosts: ["ok.io"] },
        ]),
      ),
    ).to.deep.equal([
      'Lambda function "collector": site "shop" lists no host in its SITES environment variable; list the site\'s hosts in liveinsight:sites.',
      'Lambda function "collector": site "blog" accepts every host ("*", local mode\'s alone) in its SITES environment variable; list the site\'s hosts in liveinsight:sites.',
    ]);
  });

  it("refuses a SITES value that is not a list of sites", async () => {
    expect(await check(setSites("{oops"))).to.deep.equal([
      'Lambda function "collector" has a SITES environment variable that is not a JSON list of sites; the program writes it from liveinsight:sites.',
    ]);
  });

  it("does not apply to a function without SITES", async () => {
    expect(
      await check((p) => {
        delete p.environment.variables.SITES;
      }),
    ).to.deep.equal([]);
  });
});
