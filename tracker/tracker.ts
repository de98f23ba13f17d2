/**
 * The LiveInsight tracker (docs/tracker.md), built by components/tracker-asset.ts into one minified IIFE
 * served at GET /tracker.js. Every byte counts against a 2,048-byte gzip budget, so the code
 * favours short shared helpers over local clarity; every entry point goes through `safe`, so
 * nothing it does can throw into the host page.
 */
import { attr, script } from "./script";
import { queueAdd, queued, store } from "./storage";
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

const win = window;
const nav = navigator;
const doc = document;
const debug = attr("debug") != null;
const log = (...args: unknown[]): void => void (debug && console.warn("[liveinsight]", ...args));
const endpoint = `${(attr("api") || new URL(script?.src || location.href).origin).replace(/\/+$/, "")}/events`;
// A browser under automation (navigator.webdriver, which only the client sees) sends nothing, as
// Plausible does; the server drops the bots it can see by their User-Agent.
const blocked = nav.webdriver || (attr("respect-dnt") != "false" && (nav.doNotTrack == "1" || nav.globalPrivacyControl));
const site = attr("site") || undefined;
const hex = () => Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => (b | 256).toString(16).slice(1)).join("");

let pending: TrackedEvent[] = [];
let batchTimer: number | undefined;
/** A retry timer, or the retried POST in flight: one retry at a time per page. */
let retrying: unknown;
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
/** The stored session: its id and its last activity (ms). */
const session = () => (store("sid") || "").split(" ");

/** The user id once, and a session id renewed after 30 idle minutes, as the server would. */
function ids(now: number): [string, string] {
  const user = (store("uid") || store("uid", `u_${hex()}`)) as string;
  const [id, last] = session();
  const sid = id && now - +last <= 18e5 /* the server's 30-minute session rule */ ? id : `s_${now}_${hex()}`;
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
      site_id: site,
      page_url: type != "heartbeat" && /^https?:/.test(href) && href.length <= 2048 ? href : undefined,
    },
    properties,
  );
  if (typeof event == "string") return log(event);
  [event.user_id, event.session_id] = ids(now);
  if (type == "page_view") event.referrer = doc.referrer.slice(0, 2048) || undefined;
  pending.push(event);
  // A batch goes at 10 events or 2 s after its first, whichever comes first.
  if (pending.length >= 10) void flush();
  else batchTimer = batchTimer || setTimeout(flush, 2e3);
}

/** Adopts the session id the server resolved (a rollover) for the session this page still uses. */
function adopt(sent: TrackedEvent[], response: { session_ids?: string[] }) {
  const resolved = response.session_ids;
  const [id, last] = session();
  sent.forEach((e, i) => {
    if (resolved?.[i] && e.session_id == id) store("sid", `${resolved[i]} ${last}`);
  });
}

/**
 * One POST; resolves once the events were acknowledged, dropped (refused) or queued for retry.
 * `key` is the queue key of a retried batch. Any 2xx (a bot drop included) or other 4xx is an
 * answer: not retried. The backoff doubles per failed retry, not per failed send (docs/tracker.md).
 */
function post(events: TrackedEvent[], key?: string): Promise<void> {
  return fetch(endpoint, { method: "POST", body: JSON.stringify({ events }), keepalive: true })
    .then((res) => {
      if (res.status == 429 || res.status >= 500) throw res.status;
      backoff = 1e3;
      if (key) store(key, null), retry();
      if (res.ok) return res.json().then((body) => adopt(events, body), log);
      log("dropped", res.status);
    })
    .catch((e) => {
      log("queued", e);
      if (key) (backoff = Math.min(backoff * 2, 3e5)), (retrying = 0);
      else queueAdd(events);
      retrying = retrying || setTimeout(retry, backoff);
    })
    .catch(log);
}

/** Sends the oldest queued batch (of any tab: the queue is shared), unless opted out. */
function retry() {
  const next = !optedOut() && queued()[0];
  retrying = next && post(next[1], next[0]);
}

/**
 * Sends what is pending. On the way out (`beacon`) by navigator.sendBeacon, which the unload
 * cannot cancel, and by fetch where a beacon is refused; either way the body is a string, sent as
 * text/plain: a CORS simple request, no preflight.
 */
function flush(beacon?: unknown): Promise<void> | undefined {
  clearTimeout(batchTimer);
  batchTimer = undefined;
  const events = pending;
  pending = [];
  if (events[0] && !(beacon && nav.sendBeacon?.(endpoint, JSON.stringify({ events })))) return post(events);
}

const leave = (e: Event) => (e.type == "pagehide" || doc.visibilityState == "hidden") && flush(1);

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
  const onLeave = safe(leave);
  win.addEventListener("pagehide", onLeave);
  doc.addEventListener("visibilitychange", onLeave);
  retry();
  // Opt-in heartbeats every 10 s to 1 h; a tick while the tab is hidden sends nothing (docs/tracker.md).
  const beat = +(attr("heartbeat") as string);
  if (beat >= 10 && beat <= 3600)
    setInterval(
      safe(() => doc.visibilityState == "visible" && track("heartbeat")),
      beat * 1e3,
    );
  if (attr("auto") == "false") return;
  // Page views on load, on SPA navigations (History API and back/forward) and on a restore from
  // the back/forward cache (the visitor sees the page again, as after a reload) only in auto mode.
  win.addEventListener("pageshow", (e) => e.persisted && api.pageview());
  const onNavigate = safe(pageview);
  const push = history.pushState;
  history.pushState = (...args: Parameters<History["pushState"]>) => {
    push.apply(history, args);
    onNavigate();
  };
  win.addEventListener("popstate", onNavigate);
  onNavigate();
})();
