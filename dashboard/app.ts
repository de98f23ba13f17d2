/**
 * The dashboard (GET /dashboard, docs/stats.md): pickers → four /stats calls → figures, a uPlot
 * time series, top pages and referrers; the live count polled every few seconds. Everything is
 * inline in the page and every call goes to its own origin, so it works offline.
 * The site picker lists the sites the stats function wrote into the page (functions/stats/page.ts);
 * every call names the selected site, and only the answers for the latest choice are shown.
 */
import uPlot from "uplot";
import { REALTIME_REFRESH_MS } from "../contracts/stats";
import { type PageSites, SITES_ELEMENT_ID } from "../functions/stats/page";
import { type Aggregate, type Breakdown, KEY_STORAGE, live, type Series, stats } from "./api";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const number = new Intl.NumberFormat("en");
const dayText = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function setFigures(a: Aggregate) {
  const figures: Record<string, string> = {
    pageviews: number.format(a.pageviews),
    visitors: number.format(a.visitors),
    sessions: number.format(a.sessions),
    bounce_rate: `${Math.round(a.bounce_rate * 1000) / 10} %`,
    mean_session_duration_ms: duration(a.mean_session_duration_ms),
  };
  for (const [metric, text] of Object.entries(figures)) {
    const cell = document.querySelector<HTMLElement>(`[data-metric="${metric}"]`)!;
    cell.textContent = text;
    cell.dataset.value = String(a[metric as keyof Aggregate]);
  }
  $("data-until").textContent = a.data_until
    ? `Archived up to ${a.data_until.replace("T", " ").slice(0, 16)} UTC; newer events appear within the archive window.`
    : "Nothing archived for this site and range yet.";
}

function fillTable(id: string, b: Breakdown, empty: string) {
  const body = $(id).querySelector("tbody")!;
  body.replaceChildren(
    ...b.rows.map((r) => {
      const tr = document.createElement("tr");
      for (const [text, value] of [
        [r.value ?? empty, r.value ?? ""],
        [number.format(r.pageviews), r.pageviews],
        [number.format(r.visitors), r.visitors],
      ] as const) {
        const td = document.createElement("td");
        td.textContent = String(text);
        td.dataset.value = String(value);
        tr.append(td);
      }
      return tr;
    }),
  );
  if (!b.rows.length) body.innerHTML = `<tr><td colspan="3">No data</td></tr>`;
}

/** The stack's sites as the function wrote them into the page. */
function stackSites(): PageSites {
  const text = document.getElementById(SITES_ELEMENT_ID)?.textContent;
  return text ? (JSON.parse(text) as PageSites) : { ids: [] };
}

/** Options for every site; selects `?site=` when it is one of them, else the implied site, else the first. */
function fillSitePicker(sites: PageSites, requested: string | null) {
  const select = $<HTMLSelectElement>("site");
  select.replaceChildren(...sites.ids.map((id) => new Option(id, id)));
  const chosen = requested !== null && sites.ids.includes(requested) ? requested : (sites.implied ?? sites.ids[0]);
  if (chosen !== undefined) select.value = chosen;
  if (requested !== null && chosen !== requested)
    $("site-note").textContent = `"${requested}" is not a site of this stack; showing ${chosen ?? "nothing"}.`;
}

const selectedSite = () => $<HTMLSelectElement>("site").value;

let plot: uPlot | undefined;
function drawSeries(s: Series) {
  const box = $("plot");
  const data: uPlot.AlignedData = [
    s.buckets.map((b) => Date.parse(b.bucket) / 1000),
    s.buckets.map((b) => b.pageviews),
    s.buckets.map((b) => b.visitors),
  ];
  box.dataset.points = String(s.buckets.length);
  box.dataset.pageviews = data[1].join(",");
  plot?.destroy();
  plot = new uPlot(
    {
      width: box.clientWidth,
      height: 240,
      // uPlot's x values are UNIX seconds; the axis shows UTC like the API's buckets.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      series: [{}, { label: "Page views", stroke: "#2563eb", width: 2 }, { label: "Visitors", stroke: "#db2777", width: 2 }],
      axes: [{}, { size: 50 }],
    },
    data,
    box,
  );
}

function showError(message: string) {
  $("error").textContent = message;
}

/** Bumped by every load: an answer for an earlier choice (a slower query) is dropped, never shown. */
let generation = 0;

async function load(event?: Event) {
  event?.preventDefault();
  const mine = ++generation;
  const site = selectedSite();
  if (!site) {
    showError("This stack has no sites (liveinsight:sites), so there is nothing to show.");
    return;
  }
  const from = $<HTMLInputElement>("from").value;
  const to = $<HTMLInputElement>("to").value;
  const interval = $<HTMLSelectElement>("interval").value;
  const range = { site, from, to };
  showError("");
  document.body.dataset.state = "loading";
  try {
    const [a, s, pages, referrers] = await Promise.all([
      stats<Aggregate>({ ...range, view: "aggregate" }),
      stats<Series>({ ...range, view: "timeseries", interval }),
      stats<Breakdown>({ ...range, view: "breakdown", by: "page", limit: "10" }),
      stats<Breakdown>({ ...range, view: "breakdown", by: "referrer", limit: "10" }),
    ]);
    if (mine !== generation) return;
    setFigures(a);
    drawSeries(s);
    fillTable("top-pages", pages, "(none)");
    fillTable("top-referrers", referrers, "(direct or none)");
    history.replaceState(null, "", `?${new URLSearchParams({ ...range, interval })}`);
    document.body.dataset.site = site;
    document.body.dataset.state = "ready";
  } catch (error) {
    if (mine !== generation) return;
    showError((error as Error).message);
    document.body.dataset.state = "error";
  }
}

let liveGeneration = 0;

async function refreshLive() {
  const site = selectedSite();
  const mine = ++liveGeneration;
  if (!site) return;
  const shown = $("live");
  try {
    const now = await live(site);
    if (mine !== liveGeneration) return;
    shown.textContent = number.format(now.active_users);
    shown.dataset.value = String(now.active_users);
    shown.dataset.site = now.site;
    $("live-site").textContent = ` on ${now.site}`;
  } catch {
    if (mine !== liveGeneration) return;
    shown.textContent = "–";
    shown.dataset.value = "";
  }
}

function start() {
  const params = new URLSearchParams(location.search);
  const today = Date.now();
  fillSitePicker(stackSites(), params.get("site"));
  $<HTMLInputElement>("from").value = params.get("from") ?? dayText(today - 6 * 86_400_000);
  $<HTMLInputElement>("to").value = params.get("to") ?? dayText(today);
  $<HTMLSelectElement>("interval").value = params.get("interval") ?? "day";
  $("filters").addEventListener("submit", load);
  // A site chosen (by arrow keys too) shows at once: its figures and its live count.
  $("site").addEventListener("change", () => {
    void load();
    void refreshLive();
  });
  $("forget").addEventListener("click", () => {
    sessionStorage.removeItem(KEY_STORAGE);
    location.reload();
  });
  let resizeTimer: number | undefined;
  addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => plot?.setSize({ width: $("plot").clientWidth, height: 240 }), 100);
  });
  void load();
  void refreshLive();
  setInterval(refreshLive, REALTIME_REFRESH_MS);
}

start();
