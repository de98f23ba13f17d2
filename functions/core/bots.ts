import { isbot } from "isbot";

/**
 * Whether a browser request's User-Agent is a crawler, uptime checker, script or automated
 * browser. `isbot` is the kept list (updated with new crawlers every few weeks; docs/sites.md
 * says how to update it); it already knows HeadlessChrome, Playwright, Puppeteer and PhantomJS.
 * The markers below are checked as well, so an automated browser is dropped even if a release
 * of the list ever stops naming one of them.
 */
const AUTOMATION_MARKERS = /HeadlessChrome|Headless|PhantomJS|Playwright|Puppeteer|Selenium|WebDriver/i;

export function isBotUserAgent(userAgent: string | undefined): boolean {
  if (!userAgent) return false;
  return AUTOMATION_MARKERS.test(userAgent) || isbot(userAgent);
}
