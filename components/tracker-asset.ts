/**
 * Builds the browser tracker (tracker/tracker.ts) into the script served at GET /tracker.js:
 * one minified IIFE, no source map, no comments, so an unchanged source gives byte-identical
 * output, the same ETag and no spurious diff in `pulumi preview`.
 */
import { type TrackerAsset, trackerAssetFrom } from "../functions/tracker";
import { deterministicBuild } from "./bundle";

export const TRACKER_ENTRY = "tracker/tracker.ts";

let cached: TrackerAsset | undefined;

/** The built tracker with its gzip form and ETag; built once per process. */
export function trackerAsset(): TrackerAsset {
  cached ??= trackerAssetFrom(buildTrackerScript());
  return cached;
}

/** Uncached build of the tracker script. */
export function buildTrackerScript(entry = TRACKER_ENTRY): string {
  // Every browser with fetch keepalive also runs ES2020, and its syntax is the shorter one.
  return deterministicBuild(entry, { platform: "browser", target: ["es2020"], format: "iife" });
}
