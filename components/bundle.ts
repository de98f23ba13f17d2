/**
 * Bundles a function entry point into one CommonJS file at preview/up time, so there is no
 * separate build or upload step. Everything the program needs to stay diff-free is pinned here:
 * the same sources always give the same bytes (no timestamps, no source maps, no absolute paths),
 * so an unchanged function never shows up as a code change in `pulumi preview`.
 */

import * as path from "node:path";
import { type BuildOptions, buildSync } from "esbuild";

/** Repository root: entry points are resolved against it and paths in the output are relative to it. */
export const REPO_ROOT = path.resolve(__dirname, "..");

const cache = new Map<string, string>();

/**
 * Returns the minified bundle of `entry` (a path relative to the repository root, e.g.
 * "functions/collector.ts"). Memoised per entry: a program run bundles each function once.
 */
export function bundleFunction(entry: string): string {
  const absolute = path.resolve(REPO_ROOT, entry);
  const cached = cache.get(absolute);
  if (cached !== undefined) return cached;
  const code = buildFunctionBundle(absolute);
  cache.set(absolute, code);
  return code;
}

/** Uncached build of one entry (absolute path, or relative to the repository root). */
export function buildFunctionBundle(entry: string): string {
  return deterministicBuild(entry, {
    platform: "node",
    // node20 so the same file runs under the local Node 20 and Lambda's nodejs22.x.
    target: "node20",
    format: "cjs",
    // The AWS SDK v3 clients are bundled (not taken from the runtime) so the code that was tested
    // is the code that runs; ESM builds first lets esbuild drop the unused parts.
    mainFields: ["module", "main"],
  });
}

/** What differs between the function bundles and the browser tracker; everything else is pinned below. */
export type BuildTarget = Pick<BuildOptions, "platform" | "target" | "format" | "mainFields">;

/**
 * One minified file for `entry` (absolute, or relative to the repository root) with nothing that
 * varies between builds: no source map, no comments, paths relative to the repository root.
 */
export function deterministicBuild(entry: string, target: BuildTarget): string {
  const absoluteEntry = path.resolve(REPO_ROOT, entry);
  const result = buildSync({
    ...target,
    entryPoints: [absoluteEntry],
    absWorkingDir: REPO_ROOT,
    write: false,
    bundle: true,
    minify: true,
    legalComments: "none",
    sourcemap: false,
    charset: "utf8",
    logLevel: "silent",
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${path.relative(REPO_ROOT, absoluteEntry)}`);
  return file.text;
}
