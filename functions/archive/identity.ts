/**
 * Where an Events item says which site and session it belongs to: the one place that knows, so the
 * change of the table key to `<site>#<session>` (SPEC §9) touches only this function. An item's own
 * `site_id` wins; otherwise a `<site>#` prefix of the hash key names the site; otherwise the item
 * predates sites and belongs to local mode's (and the default) site, `local`.
 */
import { SESSION_KEY_SEPARATOR as SEPARATOR } from "../../contracts/tables";

export const SITE_BEFORE_SITES = "local";

export interface EventIdentity {
  readonly site_id: string;
  readonly session_id: string;
}

export function identityOf(siteAttribute: string | undefined, sessionAttribute: string): EventIdentity {
  const cut = sessionAttribute.indexOf(SEPARATOR);
  const keySite = cut > 0 ? sessionAttribute.slice(0, cut) : undefined;
  const site_id = siteAttribute || keySite || SITE_BEFORE_SITES;
  // Strip the prefix only when it is the item's own site, so a session id is never cut elsewhere.
  const session_id = keySite !== undefined && keySite === site_id ? sessionAttribute.slice(cut + 1) : sessionAttribute;
  return { site_id, session_id };
}
