/**
 * The LiveInsight tracker (docs/tracker.md), built by components/tracker-asset.ts into one minified IIFE
 * served at GET /tracker.js. Every byte counts against a 2,048-byte gzip budget, so the code
 * favours short shared helpers over local clarity; every entry point goes through `safe`, so
 * nothing it does can throw into the host page.
 */
import { queueAdd, queueRemove, queueTake, store } from "./storage";
import { type TrackedEvent, validEvent } from "./validate";

interface Api {
  track(type: string, properties?: Record<string, unknown>): void;
  pageview(): void;
  flush(): Promise<void>;
  optOut(): void;
  optIn(): void;
}

declare global {
  interface Window {
    liveinsight: Api;
  }
  interface Navigator {
    globalPrivacyControl?: boolean;
  }
}

const IDLE_MS = 18e5; // the server's 30-minute session rule
const MAX_BATCH = 10;
const BATCH_MS = 2e3;
const win = window;
const nav = navigator;
const script = document.currentScript as HTMLScriptElement | null;
const attr = (name: string) => script?.getAttribute(`data-${name}`);
const debug = attr("debug") != null;
const log = (...args: unknown[]): void => void (debug && console.warn("[liveinsight]", ...args));
const endpoint = `${(attr("api") || (script?.src ? new URL(script.src).origin : location.origin)).replace(/\/+$/, "")}/events`;
const blocked = attr("respect-dnt") != "false" && (nav.doNotTrack == "1" || nav.globalPrivacyControl === true);
const hex = () => Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => (b | 256).toString(16).slice(1)).join("");

let pending: TrackedEvent[] = [];
let batchTimer: number | undefined;
let retryTimer: number | undefined;
let backoff = 1e3;
let lastUrl: string | undefined;

const safe =
  <A extends unknown[], R>(f: (...a: A) => R) =>
  (...a: A): R | undefined => {
    try {
      return f(...a);
    } catch (e) {
      log(e);
    }
  };

const optedOut = () => blocked || store("out") == "1";

/** The user id once, and a session id renewed after 30 idle minutes, as the server would. */
function ids(now: number): [string, string] {
  const user = (store("uid") || store("uid", `u_${hex()}`)) as string;
  const [id, last] = (store("sid") || "").split(" ");
  const sid = id && now - +last <= IDLE_MS ? id : `s_${now}_${hex()}`;
  store("sid", `${sid} ${now}`);
  return [user, sid];
}

function track(type: string, properties?: Record<string, unknown>) {
  if (optedOut()) return;
  const now = Date.now();
  const href = location.href;
  const event = validEvent(
    // A heartbeat has no page, so the server keeps the session's current page (docs/api.md).
    {
      event_type: type,
      event_id: `e_${hex()}`,
      timestamp: now,
      page_url: type != "heartbeat" && /^https?:/.test(href) && href.length <= 2048 ? href : undefined,
    },
    properties,
  );
  if (typeof event == "string") return log(event);
  [event.user_id, event.session_id] = ids(now);
  if (type == "page_view" && document.referrer) event.referrer = document.referrer.slice(0, 2048);
  pending.push(event);
  if (pending.length >= MAX_BATCH) void flush();
  else batchTimer = batchTimer || win.setTimeout(flush, BATCH_MS);
}

/** Adopts the session id the server resolved (a rollover) for the session this page still uses. */
function adopt(sent: TrackedEvent[], response: { session_ids?: string[] }) {
  const resolved = response.session_ids;
  const [id, last] = (store("sid") || "").split(" ");
  sent.forEach((e, i) => {
    if (resolved?.[i] && e.session_id == id) store("sid", `${resolved[i]} ${last}`);
  });
}

/** One POST; resolves once the events were acknowledged, dropped (refused) or queued for retry. */
function post(events: TrackedEvent[], retried?: boolean): Promise<void> {
  return fetch(endpoint, { method: "POST", body: JSON.stringify({ events }), keepalive: true, headers: { "content-type": "text/plain" } })
    .then((res) => {
      if (res.status == 429 || res.status >= 500) throw res.status;
      backoff = 1e3;
      if (retried) queueRemove(events), retry();
      if (res.ok) return res.json().then((body) => adopt(events, body), log);
      log("dropped", res.status);
    })
    .catch((e) => {
      log("queued", e);
      if (!retried) queueAdd(events);
      retryLater();
    })
    .catch(log);
}

function retryLater() {
  retryTimer = retryTimer || win.setTimeout(retry, backoff);
  backoff = Math.min(backoff * 2, 3e5);
}

function retry() {
  retryTimer = undefined;
  const events = optedOut() ? [] : queueTake(MAX_BATCH);
  if (events.length) void post(events, true);
}

function flush(): Promise<void> {
  win.clearTimeout(batchTimer);
  batchTimer = undefined;
  const events = pending;
  pending = [];
  return events.length ? post(events) : Promise.resolve();
}

/** On the way out: a beacon cannot be refused by the unload, and text/plain needs no preflight. */
function leave(e: Event) {
  if ((e.type != "pagehide" && document.visibilityState != "hidden") || !pending.length) return;
  const events = pending;
  pending = [];
  if (!nav.sendBeacon?.(endpoint, JSON.stringify({ events }))) void post(events);
}

function pageview() {
  if (location.href != lastUrl) track("page_view");
  lastUrl = location.href;
}

const api: Api = {
  track: safe(track),
  pageview: safe(() => ((lastUrl = undefined), pageview())),
  flush: () => safe(flush)() || Promise.resolve(),
  optOut: safe(() => {
    store("out", "1");
    pending = [];
  }),
  optIn: safe(() => store("out", null)),
};

safe(() => {
  if (win.liveinsight) return;
  win.liveinsight = api;
  win.addEventListener("pagehide", safe(leave));
  document.addEventListener("visibilitychange", safe(leave));
  retry();
  // Opt-in heartbeats every 10 s to 1 h; a tick while the tab is hidden sends nothing (docs/tracker.md).
  const beat = +(attr("heartbeat") as string);
  if (beat >= 10 && beat <= 3600)
    win.setInterval(
      safe(() => document.visibilityState == "visible" && track("heartbeat")),
      beat * 1e3,
    );
  if (attr("auto") == "false") return;
  // Page views on load and on SPA navigations (History API and back/forward) only in auto mode.
  const onNavigate = safe(pageview);
  const push = history.pushState;
  history.pushState = (...args: Parameters<History["pushState"]>) => {
    push.apply(history, args);
    onNavigate();
  };
  win.addEventListener("popstate", onNavigate);
  onNavigate();
})();
