/**
 * GET /tracker.js: the built tracker with a long Cache-Control, an ETag of its content and a 304
 * for a matching If-None-Match. HTTP APIs do not compress responses, so the gzip form is served
 * to clients that accept it. Pure apart from hashing and compressing, so the Lambda entry
 * (functions/collector-edge.ts) and local mode serve the very same bytes and headers.
 */

import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { TRACKER_CACHE_CONTROL, TRACKER_PATH } from "../contracts/edge";
import { clientErrorResult, methodNotAllowed } from "./core/errors";

export interface TrackerAsset {
  readonly script: string;
  /** zlib level 9, the form the size budget is measured on. */
  readonly gzip: Buffer;
  /** Strong ETag: a new build is a new tag. */
  readonly etag: string;
}

export function trackerAssetFrom(script: string): TrackerAsset {
  const hash = createHash("sha256").update(script).digest("base64url").slice(0, 22);
  return { script, gzip: gzipSync(script, { level: 9 }), etag: `"${hash}"` };
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** Weak comparison (RFC 9110 §13.1.2): `W/` and the `-gzip` variant suffix are ignored. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.slice(1, -1);
  return ifNoneMatch.split(",").some((tag) => {
    const t = tag
      .trim()
      .replace(/^W\//, "")
      .replace(/^"|"$/g, "")
      .replace(/-gzip$/, "");
    return t === "*" || t === bare;
  });
}

export function trackerResult(
  asset: TrackerAsset,
  event: Pick<APIGatewayProxyEventV2, "headers" | "requestContext">,
): APIGatewayProxyStructuredResultV2 {
  const method = event.requestContext?.http?.method ?? "GET";
  const headers = event.headers ?? {};
  if (method !== "GET" && method !== "HEAD") {
    return clientErrorResult(methodNotAllowed({ method, path: TRACKER_PATH }, "GET", "GET, HEAD"));
  }
  const gzip = /\bgzip\b/i.test(headers["accept-encoding"] ?? "");
  // Each encoding is its own representation, so each gets its own strong tag (RFC 9110 §8.8.3).
  const etag = gzip ? `${asset.etag.slice(0, -1)}-gzip"` : asset.etag;
  const common = { etag, "cache-control": TRACKER_CACHE_CONTROL, vary: "accept-encoding" };
  if (matches(headers["if-none-match"], asset.etag)) return { statusCode: 304, headers: common, body: "" };
  const type = { "content-type": "application/javascript; charset=utf-8", ...common };
  if (!gzip) return { statusCode: 200, headers: type, body: asset.script, isBase64Encoded: false };
  return { statusCode: 200, headers: { ...type, "content-encoding": "gzip" }, body: asset.gzip.toString("base64"), isBase64Encoded: true };
}

/** A handler that serves the tracker on its path and passes everything else to `next`. */
export function withTracker(next: Handler, asset: TrackerAsset): Handler {
  return async (event, context) => (event.rawPath === TRACKER_PATH ? trackerResult(asset, event) : next(event, context));
}

/** Local mode and tests: the tracker as its own handler. */
export function trackerHandler(asset: TrackerAsset): Handler {
  return async (event) => trackerResult(asset, event);
}
