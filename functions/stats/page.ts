/**
 * The stack's sites on the dashboard page: the page is built once (components/dashboard-asset.ts)
 * with SITES_SLOT in it, and the stats function writes the site ids it reads from SITES /
 * DEFAULT_SITE into that slot when it serves the page. So the picker lists exactly the sites
 * /stats accepts, behind the same key as the page itself, without a route of its own or a request
 * more before the first figures. Only ids go out (public anyway: the tracker's data-site), never hosts.
 *
 * No imports: dashboard/app.ts reads the same element id and shape.
 */

/** Where the built page leaves room for the sites (once, in the body, before the app's script). */
export const SITES_SLOT = "<!--liveinsight:stack-sites-->";
/** The element the page reads the sites from: `<script type="application/json" id=…>`. */
export const SITES_ELEMENT_ID = "stack-sites";

export interface PageSites {
  /** Every site of the stack, in configuration order. */
  readonly ids: readonly string[];
  /** The site /stats answers for without `site` (the default site, else the only one); absent when none is implied. */
  readonly implied?: string;
}

/** The page with its sites filled in; a page without the slot is a build defect, named as such. */
export function pageWithSites(app: string, sites: PageSites): string {
  const at = app.indexOf(SITES_SLOT);
  if (at < 0 || app.indexOf(SITES_SLOT, at + 1) >= 0)
    throw new Error(`the dashboard page must contain ${SITES_SLOT} exactly once (components/dashboard-asset.ts writes it)`);
  // "<" escaped so no value can end the script element early (ids are slugs, this is belt and braces).
  const json = JSON.stringify({ ids: sites.ids, implied: sites.implied }).replaceAll("<", "\\u003c");
  return app.replace(SITES_SLOT, () => `<script type="application/json" id="${SITES_ELEMENT_ID}">${json}</script>`);
}
