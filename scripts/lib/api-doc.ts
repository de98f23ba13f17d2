/**
 * The generated blocks of docs/api.md: tables rendered from the facts in scripts/lib/api-facts.ts,
 * spliced between `<!-- generated: <name> … -->` and `<!-- end generated: <name> -->` markers so
 * the prose around them stays hand-written. `npm run docs:api` rewrites the file;
 * tests/scripts/api-doc.test.ts fails while the committed file differs from what this renders.
 */
import path from "node:path";
import { REPO_ROOT } from "../../lib/stack-file";
import type { Answer, ApiFacts } from "./api-facts";

export const API_DOC = path.join(REPO_ROOT, "docs", "api.md");

/** What each route is for; a route added to contracts/edge.ts without a line here fails the render. */
const ROUTE_PURPOSE: Record<string, (facts: ApiFacts) => string> = {
  events: (f) => `stores one event or a batch of up to ${f.limits.batchMax}`,
  realtime: () => "who is on the site right now",
  tracker: () => "the tracker script, see [tracker.md](tracker.md)",
};

/** What each error means beyond its sample request, by the body's `error` (or API Gateway's `message`). */
const ERROR_MEANING: Record<string, string> = {
  ValidationError:
    'any field rule above; `details[]` holds `{index, field, problem}` per problem (`index` is absent for problems of the body itself, e.g. `field: "events"`)',
  InvalidJSON: "the body is empty or not valid JSON",
  UnknownSite:
    "`site_id` names no site of the stack (or is absent and the stack has no `defaultSite`); the message lists the known ids, at most 10 ([sites.md](sites.md)); counted as dropped, `unknown_site`",
  OriginNotAllowed:
    "the page (`Origin`, else `Referer`) is not on a host of the site, or neither header is sent to a site without `allowServer` ([sites.md](sites.md)); counted as dropped, `origin`",
  UnsupportedMediaType: "a content type other than JSON or `text/plain`",
  PayloadTooLarge: "the body is larger than the limit above",
  MethodNotAllowed: "any other method than the route's (an `OPTIONS` preflight is answered by CORS)",
  StorageUnavailable: 'storage still failed after retries; `"retryable": true`',
  InternalError: 'an unexpected failure; `"retryable": true`',
  "Not Found": "no route matches (e.g. `GET /nope`): API Gateway answers itself, no function runs",
  "Too Many Requests": "more requests than the stage's throttling allows (below; deployed stacks only): no function runs",
};

const thousands = (n: number) => n.toLocaleString("en-US").replace(/,/g, " ");
const kb = (bytes: number) => `${bytes / 1024} KB (${thousands(bytes)} bytes)`;
const code = (text: string) => `\`${text}\``;

/** A Markdown table with padded columns, the way the rest of docs/ is formatted. */
export function table(header: string[], rows: string[][]): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => cell.replace(/\|/g, "\\|")));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  return [line(cells[0]), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...cells.slice(1).map(line)].join("\n");
}

function routes(facts: ApiFacts): string {
  return table(
    ["route", "what it does"],
    facts.paths.map((p) => {
      const purpose = ROUTE_PURPOSE[p.id];
      if (!purpose)
        throw new Error(`The route ${p.method} ${p.path} (id "${p.id}") has no purpose in scripts/lib/api-doc.ts ROUTE_PURPOSE.`);
      return [code(`${p.method} ${p.path}`), purpose(facts)];
    }),
  );
}

function limits(facts: ApiFacts): string {
  const { limits: l } = facts;
  const mb = facts.gatewayPayloadBytes / 1024 / 1024;
  const tooLarge = [
    "A body over the limit always gets a readable `413`, never a reset connection while the client is still uploading:",
    `up to ${mb} MB (API Gateway's payload quota for an HTTP API) the whole body is read, then answered; a larger one is`,
    `answered at once (in a deployed stack by API Gateway itself) and local mode reads and discards the rest for up to ${facts.lingerMs / 1000} s.`,
  ].join("\n");
  const rows = table(
    ["limit", "value", "beyond it"],
    [
      ["body", kb(l.bodyBytes), code("413 PayloadTooLarge")],
      ["events per request", `1–${l.batchMax}`, `${code("400 ValidationError")} (${code('field: "events"')})`],
      ["one event, serialized", kb(l.eventBytes), `${code("400 ValidationError")} for that event (${code('field: "(event)"')})`],
    ],
  );
  return `${rows}\n\n${tooLarge}`;
}

function errorName(answer: Answer): string {
  const body = JSON.parse(answer.body) as { error?: string; message?: string };
  const name = body.error ?? body.message;
  if (!name || !(name in ERROR_MEANING))
    throw new Error(`The answer ${answer.body} has no meaning in scripts/lib/api-doc.ts ERROR_MEANING.`);
  return name;
}

function errors(facts: ApiFacts): string {
  return table(
    ["route", "status", "when", "body, exactly as answered"],
    facts.answers.map((a) => {
      const allow = a.headers.allow ? `; the ${code("Allow")} header says ${code(a.headers.allow)}` : "";
      return [a.route, String(a.status), `${ERROR_MEANING[errorName(a)]}${allow}`, code(a.body)];
    }),
  );
}

function throttling(facts: ApiFacts): string {
  const rows = facts.stacks.map((s) => [
    s.stack,
    s.throttle ? String(s.throttle.rateLimit) : "not throttled",
    s.throttle ? String(s.throttle.burstLimit) : "—",
    s.corsOrigins.map(code).join(", "),
  ]);
  const defaults = `A stack file that sets neither gets ${facts.defaults.rateLimit} requests/s in bursts of ${facts.defaults.burstLimit} (\`liveinsight:throttleRateLimit\`, \`liveinsight:throttleBurstLimit\`).`;
  return `${table(["stack", "requests/s (steady)", "burst", "CORS origins"], rows)}\n\n${defaults}`;
}

function cors(facts: ApiFacts): string {
  const { cors: c } = facts;
  const expose = c.exposeHeaders.length ? `, and responses expose ${c.exposeHeaders.map(code).join(", ")}` : "";
  return [
    `A preflight (\`OPTIONS\` with \`Origin\` and \`Access-Control-Request-Method\`) from an allowed origin is answered by API Gateway itself with \`204\` and`,
    `\`access-control-allow-methods: ${c.allowMethods}\`, \`access-control-allow-headers: ${c.allowHeaders}\`, \`access-control-max-age: ${c.maxAge}\`${expose};`,
    "a preflight from another origin gets `204` without CORS headers.",
  ].join("\n");
}

export const SECTIONS = { routes, limits, errors, throttling, cors } as const;
export type SectionName = keyof typeof SECTIONS;

export function renderSections(facts: ApiFacts): Record<SectionName, string> {
  return Object.fromEntries(Object.entries(SECTIONS).map(([name, render]) => [name, render(facts)])) as Record<SectionName, string>;
}

const BLOCK = /(<!-- generated: ([a-z]+)\b[^>]*-->\n)[\s\S]*?(<!-- end generated: \2 -->)/g;

/** `doc` with each generated block replaced; every section needs exactly one block and every block a section. */
export function spliceGenerated(doc: string, sections: Readonly<Record<string, string>>, file = "docs/api.md"): string {
  const seen = new Map<string, number>();
  const out = doc.replace(BLOCK, (_all, open: string, name: string, close: string) => {
    seen.set(name, (seen.get(name) ?? 0) + 1);
    if (!(name in sections))
      throw new Error(`${file} has a generated block "${name}" that no section renders (known: ${Object.keys(sections).join(", ")}).`);
    return `${open}${sections[name]}\n${close}`;
  });
  for (const name of Object.keys(sections)) {
    const count = seen.get(name) ?? 0;
    if (count !== 1)
      throw new Error(
        `${file} must hold the generated block "${name}" exactly once (found ${count}): <!-- generated: ${name} --> … <!-- end generated: ${name} -->.`,
      );
  }
  return out;
}
