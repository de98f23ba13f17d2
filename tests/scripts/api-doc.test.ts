/**
 * docs/api.md's generated blocks (scripts/lib/api-doc.ts, `npm run docs:api`): the committed file
 * is what the code renders, the blocks carry the code's own facts, and the hand-written field
 * rules name the validator's limits.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { EDGE_CORS } from "../../contracts/edge";
import { LIMITS } from "../../functions/core/validate";
import { REPO_ROOT } from "../../lib/stack-file";
import { renderApiDoc } from "../../scripts/docs-api";
import { API_DOC, renderSections, SECTIONS, spliceGenerated, table } from "../../scripts/lib/api-doc";
import { type ApiFacts, collectApiFacts, stackFacts } from "../../scripts/lib/api-facts";
import { runRepoCommand } from "../support/local-process";

const committed = readFileSync(API_DOC, "utf8");

/** The text of one generated block of the committed file. */
function block(name: string): string {
  const match = new RegExp(`<!-- generated: ${name}\\b[^>]*-->\\n([\\s\\S]*?)<!-- end generated: ${name} -->`).exec(committed);
  if (!match) throw new Error(`docs/api.md has no block ${name}`);
  return match[1];
}

describe("docs/api.md from the code (npm run docs:api)", () => {
  let facts: ApiFacts;
  before(async () => {
    facts = await collectApiFacts();
  });

  it("is exactly what npm run docs:api renders", async () => {
    const wanted = await renderApiDoc(committed);
    expect(committed === wanted, "docs/api.md is stale: run npm run docs:api").to.equal(true);
  });

  it("states the CORS settings the API answers a preflight with, none of the old drift", () => {
    expect(block("cors")).to.include(`\`access-control-allow-methods: ${EDGE_CORS.allowMethods.join(",")}\``);
    expect(block("cors")).to.include(`\`access-control-max-age: ${EDGE_CORS.maxAgeSeconds}\``);
    expect(block("cors")).to.include(`\`access-control-allow-headers: ${EDGE_CORS.allowHeaders.join(",")}\``);
    expect(committed).not.to.match(/POST,OPTIONS|max-age: 3600|"error":"NotFound"/);
  });

  it("lists every error body as the handlers and the gateway answer it, the 404 among them", () => {
    const rows = facts.answers.map((a) => [a.route, a.status, JSON.parse(a.body).error ?? JSON.parse(a.body).message]);
    expect(rows).to.deep.equal([
      ["POST /events", 400, "ValidationError"],
      ["POST /events", 400, "InvalidJSON"],
      ["POST /events", 415, "UnsupportedMediaType"],
      ["POST /events", 413, "PayloadTooLarge"],
      ["GET /events", 405, "MethodNotAllowed"],
      ["POST /events", 400, "UnknownSite"],
      ["POST /events", 403, "OriginNotAllowed"],
      ["POST /events", 503, "StorageUnavailable"],
      ["POST /events", 500, "InternalError"],
      ["POST /realtime", 405, "MethodNotAllowed"],
      ["GET /realtime", 503, "StorageUnavailable"],
      ["any other path", 404, "Not Found"],
      ["any route", 429, "Too Many Requests"],
    ]);
    for (const answer of facts.answers) expect(block("errors")).to.include(`\`${answer.body}\``);
    expect(block("errors")).to.include('`{"message":"Not Found"}`');
  });

  it("takes throttling and origins from each committed stack file, and the defaults for a stack that sets none", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "liveinsight-apidoc-"));
    try {
      writeFileSync(
        path.join(root, "Pulumi.edge.yaml"),
        'config:\n  liveinsight:throttleRateLimit: 7\n  liveinsight:throttleBurstLimit: 9\n  liveinsight:corsOrigins: ["https://a.test"]\n',
      );
      writeFileSync(path.join(root, "Pulumi.bare.yaml"), "config:\n  aws:region: us-east-1\n");
      const rendered = renderSections({ ...facts, stacks: stackFacts(root) }).throttling;
      expect(rendered.split("\n").slice(2, 5)).to.deep.equal([
        "| bare              | 100                 | 200   | `*`              |",
        "| edge              | 7                   | 9     | `https://a.test` |",
        "| local (npm start) | not throttled       | —     | `*`              |",
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    expect(stackFacts(REPO_ROOT).map((s) => [s.stack, s.throttle])).to.deep.equal([
      ["dev", { rateLimit: 50, burstLimit: 100 }],
      ["prod", { rateLimit: 500, burstLimit: 1000 }],
      ["local (npm start)", undefined],
    ]);
  });

  it("renders the limits from the validator", () => {
    const rendered = renderSections({ ...facts, limits: { ...LIMITS, bodyBytes: 512 * 1024, batchMax: 25 } }).limits;
    expect(rendered).to.include("| body                  | 512 KB (524 288 bytes) |");
    expect(rendered).to.include("| events per request    | 1–25 ");
  });

  it("refuses a route or an error the docs have no words for, naming where to add them", () => {
    const route = { id: "stats", path: "/stats", method: "GET", target: "realtime" } as const;
    expect(() => renderSections({ ...facts, paths: [...facts.paths, route] })).to.throw(
      'The route GET /stats (id "stats") has no purpose in scripts/lib/api-doc.ts ROUTE_PURPOSE.',
    );
    const odd = { route: "GET /x", answeredBy: "function" as const, status: 418, headers: {}, body: '{"error":"Teapot"}' };
    expect(() => renderSections({ ...facts, answers: [odd] })).to.throw(
      'The answer {"error":"Teapot"} has no meaning in scripts/lib/api-doc.ts ERROR_MEANING.',
    );
  });

  it("splices only between the markers and refuses a missing, doubled or unknown block", () => {
    const doc =
      "intro\n<!-- generated: a (note) -->\nold\n<!-- end generated: a -->\nmiddle\n<!-- generated: b -->\n<!-- end generated: b -->\nend\n";
    expect(spliceGenerated(doc, { a: "A1\nA2", b: "B" }, "x.md")).to.equal(
      "intro\n<!-- generated: a (note) -->\nA1\nA2\n<!-- end generated: a -->\nmiddle\n<!-- generated: b -->\nB\n<!-- end generated: b -->\nend\n",
    );
    expect(() => spliceGenerated(doc, { a: "A", b: "B", c: "C" }, "x.md")).to.throw(
      'x.md must hold the generated block "c" exactly once (found 0): <!-- generated: c --> … <!-- end generated: c -->.',
    );
    expect(() => spliceGenerated(doc + doc, { a: "A", b: "B" }, "x.md")).to.throw(
      'x.md must hold the generated block "a" exactly once (found 2)',
    );
    expect(() => spliceGenerated(doc, { a: "A" }, "x.md")).to.throw('x.md has a generated block "b" that no section renders (known: a).');
    expect(Object.keys(SECTIONS)).to.deep.equal(["routes", "limits", "errors", "throttling", "cors"]);
  });

  it("pads table columns and escapes a | inside a cell", () => {
    expect(table(["a", "bb"], [["x|y", "z"]])).to.equal("| a    | bb  |\n| ---- | --- |\n| x\\|y | z   |");
  });

  it("keeps the hand-written field rules on the validator's limits", () => {
    const row = (field: string) => committed.split("\n").find((line) => line.startsWith(`| \`${field}\``)) ?? "";
    expect(row("page_url")).to.include(`at most ${LIMITS.urlMax} characters`);
    expect(row("user_id")).to.include(`1–${LIMITS.idMax} characters`);
    expect(row("referrer")).to.include(`at most ${LIMITS.urlMax} characters`);
    expect(row("user_agent")).to.include(`at most ${LIMITS.userAgentMax} characters`);
    expect(row("properties")).to.include(`at most ${LIMITS.propertiesMaxKeys} keys (1–${LIMITS.propertyKeyMax} characters each`);
    expect(row("properties")).to.include(`at most ${LIMITS.propertiesMaxBytes / 1024} KB serialized`);
    const days = LIMITS.pastWindowMs / 86_400_000;
    expect(committed).to.include(`outside [now − ${days} days, now + ${LIMITS.futureWindowMs / 60_000} minutes]`);
  });

  it("npm run docs:api -- --check passes on the committed file; --help and a bad flag behave like every tool", async function () {
    this.timeout(60_000);
    const check = await runRepoCommand("scripts/docs-api.ts", ["--check"]);
    expect([check.code, check.stderr]).to.deep.equal([0, ""]);
    const help = await runRepoCommand("scripts/docs-api.ts", ["--help"]);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/^Usage: npm run docs:api \[-- --check\]/);
    const bad = await runRepoCommand("scripts/docs-api.ts", ["--nope"]);
    expect([bad.code, bad.stderr]).to.deep.equal([2, "docs:api: Unknown option --nope. Run with --help for the list of options.\n"]);
  });
});
