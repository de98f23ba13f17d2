/**
 * Real-browser harness: local mode in-process (createLocalApi in front of the real collector on
 * dynalite, CORS limited to the page origin), pages served from other origins, and Debian's
 * Chromium driven by playwright-core with a fresh profile per test. Records every HTTP request
 * the API saw (preflights included) and lets a test choose the answers to the next POSTs.
 *
 * The browser looks like a visitor's unless a test asks otherwise: a desktop Chrome User-Agent
 * (headless Chromium says `HeadlessChrome`, which the server counts as a bot) and
 * `navigator.webdriver` false (`--disable-blink-features=AutomationControlled`; a browser under
 * automation makes the tracker send nothing).
 */

import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { DynamoDBDocumentClient, GetCommand, paginateScan } from "@aws-sdk/lib-dynamodb";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { LOCAL_SITE, sitesEnvValue } from "../../contracts/sites";
import type { TableNames } from "../../contracts/tables";
import { sessionIdOfKey, sessionKey } from "../../functions/core/ids";
import { createLocalApi, type LambdaHandler } from "../../local/server";
import { stackFunctionEnv, startDynamo, type TestDynamo } from "../support/dynalite";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
/** The site whose only host is the page origin's: pages with data-site="shop" on the refused origin are not its pages. */
export const SHOP_SITE = "shop";
export const OTHER_SITE = "other";
/** The User-Agent of the browser a visitor uses: desktop Chrome on Linux, in Chrome's reduced form. */
export const DESKTOP_CHROME_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface SeenRequest {
  method: string;
  path: string;
  origin?: string;
  contentType?: string;
  userAgent?: string;
  cookie?: string;
  /** Set for POST /events: the events sent and the status answered. */
  events?: { event_id: string; event_type: string; [key: string]: unknown }[];
  status?: number;
}

export interface PageOptions {
  /** Extra attributes on the script tag, e.g. { "data-auto": "false" }. */
  attributes?: Record<string, string>;
  /** Serve the page from the origin CORS does not allow. */
  refusedOrigin?: boolean;
  /** Chromium's "Send a Do Not Track request" setting. */
  doNotTrack?: boolean;
  /** Expose navigator.globalPrivacyControl = true, as GPC browsers do. */
  globalPrivacyControl?: boolean;
  path?: string;
  /** Script run before the page's own scripts on every load. */
  initScript?: string;
  /** Install Playwright's fake clock before the load, so a test can run timers forward. */
  fakeClock?: boolean;
  /** Leave `navigator.webdriver` true, as any browser under automation has it. */
  automation?: boolean;
  /** The browser's User-Agent instead of DESKTOP_CHROME_UA. */
  userAgent?: string;
  /**
   * Let Chromium keep pages in the back/forward cache: Playwright turns it off by default, and the
   * page is served without `Cache-Control: no-store`, which would keep it out.
   */
  bfcache?: boolean;
}

export interface OpenPage {
  page: Page;
  context: BrowserContext;
  url: string;
  /** Console messages and uncaught errors from the page: the tracker must produce none. */
  problems: string[];
}

const listen = (server: http.Server, host: string) =>
  new Promise<string>((resolve) =>
    server.listen(0, host, () =>
      resolve(`http://${host === "127.0.0.1" ? "127.0.0.1" : "localhost"}:${(server.address() as AddressInfo).port}`),
    ),
  );

function pageServer(api: string): http.Server {
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://page");
    const attrs = JSON.parse(url.searchParams.get("attrs") || "{}") as Record<string, string>;
    // data-api="" in attrs leaves the attribute out, so the tracker falls back to its own origin.
    const all: Record<string, string> = { "data-api": api, ...attrs };
    const extra = Object.entries(all)
      .filter(([k, v]) => !(k === "data-api" && v === ""))
      .map(([k, v]) => ` ${k}="${v}"`)
      .join("");
    const cacheable = url.searchParams.get("bfcache") === "1";
    const html = `<!doctype html><html><head><title>page</title><script src="${api}/tracker.js"${extra} defer></script></head><body><a href="/other">other</a></body></html>`;
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": cacheable ? "no-cache" : "no-store" });
    res.end(html);
  });
}

export class BrowserHarness {
  readonly seen: SeenRequest[] = [];
  apiBase = "";
  pageOrigin = "";
  refusedOrigin = "";
  private answers: { status: number; body: string }[] = [];
  private held: { count: number; waiting: (() => void)[] } | undefined;
  private dynamo!: TestDynamo;
  private tables!: TableNames;
  private servers: http.Server[] = [];
  private contexts: BrowserContext[] = [];
  private dirs: string[] = [];

  async start(): Promise<void> {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(`Chromium not found at ${CHROMIUM}; install it (apt-get install -y chromium) or set CHROMIUM_PATH.`);
    this.dynamo = await startDynamo();
    this.tables = await this.dynamo.freshTables();
    const api = http.createServer();
    this.servers.push(api);
    this.apiBase = await listen(api, "127.0.0.1");
    const pages = pageServer(this.apiBase);
    const refused = pageServer(this.apiBase);
    this.servers.push(pages, refused);
    this.pageOrigin = await listen(pages, "localhost");
    this.refusedOrigin = await listen(refused, "localhost");
    // Site `local` (every host, the default) for the tests that are not about sites, and site
    // SHOP_SITE whose one host is the page origin's (the refused origin differs by its port).
    const sites = [
      LOCAL_SITE,
      { id: SHOP_SITE, hosts: [new URL(this.pageOrigin).host], allowServer: false },
      // A site the page origin is not a host of, though CORS lets that origin read the answers:
      // what a page sees under a `*.` site host, whose CORS origin is https://* (docs/sites.md).
      { id: OTHER_SITE, hosts: ["other.test"], allowServer: false },
    ];
    Object.assign(
      process.env,
      stackFunctionEnv(this.tables, {
        ENVIRONMENT: "browser-test",
        DYNAMODB_ENDPOINT: this.dynamo.endpoint,
        AWS_REGION: "us-east-1",
        SITES: sitesEnvValue(sites),
      }),
    );
    // Required only now: the handlers read their env when they load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const collector = (require("../../functions/collector") as typeof import("../../functions/collector")).handler as LambdaHandler;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const realtime = (require("../../functions/realtime") as typeof import("../../functions/realtime")).handler as LambdaHandler;
    const local = createLocalApi({ collector: this.recording(collector), realtime, timeoutMs: 10_000, corsOrigins: [this.pageOrigin] });
    api.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
      const seen: SeenRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        origin: req.headers.origin,
        contentType: req.headers["content-type"],
        userAgent: req.headers["user-agent"],
        cookie: req.headers.cookie,
      };
      // The index rides along as a header, so the function's record lands on this very request.
      req.headers["x-seen-index"] = String(this.seen.push(seen) - 1);
      local.emit("request", req, res);
    });
  }

  /** The real collector, unless a failure was queued; records the events of every POST. */
  private recording(collector: LambdaHandler): LambdaHandler {
    return async (event, context) => {
      const seen = this.seen[Number(event.headers["x-seen-index"])];
      let events: SeenRequest["events"] = [];
      try {
        const body = JSON.parse(event.body ?? "{}");
        events = body.events ?? [body];
      } catch {
        /* recorded as no events */
      }
      await this.gate();
      const answer = this.answers.shift();
      const result = answer
        ? { statusCode: answer.status, headers: { "content-type": "application/json" }, body: answer.body }
        : await collector(event, context);
      if (seen) Object.assign(seen, { events, status: result.statusCode });
      return result;
    };
  }

  /** The next `count` POST /events get `status` instead of reaching the collector. */
  failNext(status: number, count = 1) {
    const body = JSON.stringify({ error: status === 400 ? "ValidationError" : "StorageUnavailable", message: "injected" });
    for (let i = 0; i < count; i++) this.answers.push({ status, body });
  }

  /** The next `count` POST /events wait until all `count` have arrived, then are answered together. */
  holdNext(count: number) {
    this.held = { count, waiting: [] };
  }

  private gate(): Promise<void> {
    const held = this.held;
    if (!held) return Promise.resolve();
    return new Promise((release) => {
      held.waiting.push(release);
      if (held.waiting.length < held.count) return;
      this.held = undefined;
      for (const r of held.waiting) r();
    });
  }

  /** The next POST /events gets this answer instead of reaching the collector (nothing is stored). */
  answerNext(status: number, body: unknown) {
    this.answers.push({ status, body: JSON.stringify(body) });
  }

  /** Every event the API acknowledged with 200, in order. */
  acknowledged() {
    return this.seen.filter((s) => s.status === 200).flatMap((s) => s.events ?? []);
  }

  /**
   * Every item of the Events table, its `session_id` the bare id the tracker knows: the table keys
   * it as `<site>#<session>` (docs/sites.md), and `site_id` says the site.
   */
  async stored(): Promise<Record<string, unknown>[]> {
    const client = DynamoDBDocumentClient.from(this.dynamo.client());
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateScan({ client }, { TableName: this.tables.events })) items.push(...(page.Items ?? []));
    return items.map((item) => ({ ...item, session_id: sessionIdOfKey(String(item.session_id)) }));
  }

  /**
   * The Sessions row of one session of `site`, and what the realtime counters hold for it (the
   * row's marker: the minute and page it is counted at, docs/architecture.md); undefined where there is none.
   */
  async session(
    sessionId: string,
    site = LOCAL_SITE.id,
  ): Promise<{ session?: Record<string, unknown>; active?: { current_page?: unknown; minute?: unknown } }> {
    const client = DynamoDBDocumentClient.from(this.dynamo.client());
    const out = await client.send(
      new GetCommand({ TableName: this.tables.sessions, Key: { session_id: sessionKey(site, sessionId) }, ConsistentRead: true }),
    );
    const session = out.Item;
    return { session, active: session?.rt_minute === undefined ? undefined : { current_page: session.rt_page, minute: session.rt_minute } };
  }

  /** A fresh Chromium profile (own --user-data-dir) with the page loaded. */
  async open(options: PageOptions = {}): Promise<OpenPage> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "liveinsight-chromium-"));
    this.dirs.push(dir);
    fs.mkdirSync(path.join(dir, "Default"));
    fs.writeFileSync(path.join(dir, "Default", "Preferences"), JSON.stringify({ enable_do_not_track: !!options.doNotTrack }));
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: options.automation ? ARGS : [...ARGS, "--disable-blink-features=AutomationControlled"],
      ignoreDefaultArgs: options.bfcache ? ["--disable-back-forward-cache"] : undefined,
      userAgent: options.userAgent ?? DESKTOP_CHROME_UA,
    });
    this.contexts.push(context);
    // Chromium has no GPC setting; this is what GPC browsers expose. A string, so no transpiler helper leaks in.
    if (options.globalPrivacyControl)
      await context.addInitScript({ content: 'Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true });' });
    if (options.initScript) await context.addInitScript({ content: options.initScript });
    if (options.fakeClock) await context.clock.install();
    return this.load(context, context.pages()[0] ?? (await context.newPage()), options);
  }

  /** Another tab of an open page's browser: same profile, so the same localStorage. */
  async openTab(open: OpenPage, options: PageOptions = {}): Promise<OpenPage> {
    return this.load(open.context, await open.context.newPage(), options);
  }

  private async load(context: BrowserContext, page: Page, options: PageOptions): Promise<OpenPage> {
    const problems: string[] = [];
    page.on("console", (m) => problems.push(`console.${m.type()}: ${m.text()}`));
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    const origin = options.refusedOrigin ? this.refusedOrigin : this.pageOrigin;
    const url = `${origin}${options.path ?? "/shop"}?attrs=${encodeURIComponent(JSON.stringify(options.attributes ?? {}))}${options.bfcache ? "&bfcache=1" : ""}`;
    await page.goto(url);
    await page.waitForFunction(() => typeof window.liveinsight === "object");
    return { page, context, url, problems };
  }

  async close(): Promise<void> {
    await Promise.all(this.contexts.map((c) => c.close().catch(() => undefined)));
    for (const s of this.servers) s.closeAllConnections();
    await Promise.all(this.servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await this.dynamo?.close();
    for (const d of this.dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

/** The events in the tracker's retry queue as the page sees it: every `li_q_*` key of its localStorage. */
export const queuedEvents = (page: Page): Promise<{ event_id: string; event_type: string }[]> =>
  page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith("li_q_"))
      .flatMap((k) => JSON.parse(localStorage.getItem(k) ?? "[]")),
  );

/** Polls until `check` returns a value other than undefined/false, or fails after `ms`. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 8000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

declare global {
  interface Window {
    liveinsight: {
      track(type: unknown, properties?: unknown): void;
      pageview(): void;
      flush(): Promise<void>;
      optOut(): void;
      optIn(): void;
    };
  }
}

/** One harness for every browser test file: the collector module reads its env once per process. */
export const harness = new BrowserHarness();
