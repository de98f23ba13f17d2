/**
 * Builds the dashboard page (dashboard/app.ts, uPlot) and its key form (dashboard/login.ts) into
 * two self-contained HTML documents: scripts and CSS inline, nothing fetched from anywhere, so
 * the page works offline. Deterministic like the function bundles (components/bundle.ts): the
 * same sources give the same bytes. The stats function ships them beside its code.
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import type { DashboardPage } from "../functions/stats/handler";
import { SITES_SLOT } from "../functions/stats/page";
import { deterministicBuild } from "./bundle";

const UPLOT_CSS = require.resolve("uplot/dist/uPlot.min.css");

const STYLE = `
:root{color-scheme:light;font:15px/1.4 system-ui,sans-serif;color:#111827;background:#f9fafb}
body{margin:0 auto;max-width:1400px;padding:12px}
h1{font-size:1.25rem;margin:0}h2{font-size:1rem;margin:0 0 8px}
header{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:baseline;justify-content:space-between}
form{display:flex;flex-wrap:wrap;gap:8px;align-items:end;margin:12px 0}
label{display:flex;flex-direction:column;font-size:.8rem;color:#374151;gap:2px}
input,select,button{font:inherit;padding:6px 8px;border:1px solid #9ca3af;border-radius:6px;background:#fff;box-sizing:border-box;height:38px}
button{background:#1d4ed8;color:#fff;border-color:#1d4ed8;cursor:pointer}button.plain{background:#fff;color:#1d4ed8}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:8px;margin:0;padding:0;list-style:none}
.cards li,section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:10px}
.cards span{display:block;font-size:.8rem;color:#4b5563}.cards strong{font-size:1.4rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,420px),1fr));gap:8px;margin-top:8px}
table{width:100%;border-collapse:collapse;table-layout:fixed}td,th{padding:4px;text-align:left;border-bottom:1px solid #f3f4f6;overflow-wrap:anywhere}
td+td,th+th{text-align:right;width:22%}
#error,#key-error{color:#b91c1c;font-weight:600;min-height:1.2em}
.note{font-size:.8rem;color:#4b5563}#plot{min-height:240px}
`;

function inline(script: string): string {
  // A script element ends at the first "</script", wherever it appears in the text.
  return script.replaceAll("</script", "<\\/script");
}

const build = (entry: string) => inline(deterministicBuild(entry, { platform: "browser", target: ["es2020"], format: "iife" }));

function documentOf(title: string, style: string, body: string, script: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title><style>${style}</style></head><body>${body}<script>${script}</script></body></html>`;
}

// The stats function fills SITES_SLOT with the stack's site ids when it serves the page (functions/stats/page.ts).
const APP_BODY = `${SITES_SLOT}<header><h1>LiveInsight stats</h1><p aria-live="polite"><strong id="live" data-value="">–</strong> visitors right now<span id="live-site"></span></p></header>
<form id="filters" aria-label="Site and date range">
<label for="site">Site<select id="site" name="site" required></select></label>
<label for="from">From (UTC)<input id="from" name="from" type="date" required></label>
<label for="to">To (UTC)<input id="to" name="to" type="date" required></label>
<label for="interval">Interval<select id="interval" name="interval"><option value="day">Day</option><option value="hour">Hour</option></select></label>
<button type="submit">Show</button><button type="button" class="plain" id="forget">Forget key</button></form>
<p id="error" role="alert"></p><p class="note" id="site-note" role="status"></p>
<ul class="cards" aria-label="Totals for the range">
<li><span>Page views</span><strong data-metric="pageviews">–</strong></li>
<li><span>Visitors</span><strong data-metric="visitors">–</strong></li>
<li><span>Sessions</span><strong data-metric="sessions">–</strong></li>
<li><span>Bounce rate</span><strong data-metric="bounce_rate">–</strong></li>
<li><span>Mean session</span><strong data-metric="mean_session_duration_ms">–</strong></li></ul>
<p class="note" id="data-until"></p>
<section aria-labelledby="plot-title"><h2 id="plot-title">Page views and visitors</h2><div id="plot" role="img" aria-label="Page views and visitors per interval"></div></section>
<div class="grid">
<section><h2 id="pages-title">Top pages</h2><table id="top-pages" aria-labelledby="pages-title"><thead><tr><th scope="col">Page</th><th scope="col">Views</th><th scope="col">Visitors</th></tr></thead><tbody></tbody></table></section>
<section><h2 id="referrers-title">Top referrers</h2><table id="top-referrers" aria-labelledby="referrers-title"><thead><tr><th scope="col">Referrer</th><th scope="col">Views</th><th scope="col">Visitors</th></tr></thead><tbody></tbody></table></section>
</div>`;

const LOGIN_BODY = `<header><h1>LiveInsight stats</h1></header>
<form id="key-form" aria-label="Open the dashboard"><label for="key">Stats key<input id="key" name="key" type="password" required autocomplete="current-password"></label><button type="submit">Open dashboard</button></form>
<p id="key-error" role="alert"></p>
<p class="note">The key is kept in this tab only (sessionStorage). Local mode prints it at start; on AWS it is the stack's Secrets Manager secret.</p>`;

let cached: DashboardPage | undefined;

/** Both documents, built once per process. */
export function dashboardPage(): DashboardPage {
  cached ??= {
    app: documentOf("LiveInsight stats", readFileSync(UPLOT_CSS, "utf8") + STYLE, APP_BODY, build("dashboard/app.ts")),
    login: documentOf("LiveInsight stats: key", STYLE, LOGIN_BODY, build("dashboard/login.ts")),
  };
  return cached;
}

/** The budget's measure: gzip level 9 of the whole page. */
export const gzippedSize = (html: string) => gzipSync(html, { level: 9 }).length;
