/**
 * Lambda entry of the collector function on AWS: POST /events as functions/collector.ts, plus
 * GET /tracker.js from `tracker.js` shipped next to index.js in the same archive. The tracker
 * rides on the collector because it is the function page loads keep warm (no extra cold start
 * for the script), and it needs no role, log group or alarm of its own.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { handler as collect } from "./collector";
import { trackerAssetFrom, withTracker } from "./tracker";

// Read and compressed once per container, never per request.
const asset = trackerAssetFrom(readFileSync(path.join(__dirname, "tracker.js"), "utf8"));

export const handler = withTracker(collect, asset);
