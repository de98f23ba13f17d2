/**
 * Imports flow one way: contracts ← functions ← components ← config/index ← local/scripts ← tests/support ← tests (suites included);
 * lib/ (the CLI helper and the Pulumi file reader) sits beside contracts, below local/ and scripts/, which share it.
 * Every .ts file's import statements (static, dynamic, `export … from`, `require`) are read with
 * the TypeScript compiler's own pre-processor and checked against the rules below.
 */

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
const SKIP = new Set(["node_modules", ".git", "out", ".pulumi"]);

interface Rule {
  /** Files the rule applies to (repo-relative, forward slashes). */
  readonly from: (file: string) => boolean;
  /** Import targets the rule forbids: a repo-relative path, or a package name for bare imports. */
  readonly forbids: (target: string) => boolean;
  readonly why: string;
}

const under =
  (...dirs: string[]) =>
  (p: string) =>
    dirs.some((d) => p.startsWith(`${d}/`));
const either =
  (...tests: ((p: string) => boolean)[]) =>
  (p: string) =>
    tests.some((t) => t(p));
const file =
  (...names: string[]) =>
  (p: string) =>
    names.some((n) => p === n || p === n.replace(/\.ts$/, ""));
const relativeOutside =
  (...dirs: string[]) =>
  (p: string) =>
    !p.startsWith("pkg:") && !under(...dirs)(p);
const pkg =
  (...prefixes: string[]) =>
  (p: string) =>
    prefixes.some((x) => p.startsWith(`pkg:${x}`));

export const RULES: readonly Rule[] = [
  { from: (p) => !under("tests")(p), forbids: under("tests"), why: "only tests import tests/" },
  { from: under("contracts"), forbids: relativeOutside("contracts"), why: "contracts import nothing from the repo" },
  { from: under("functions"), forbids: relativeOutside("functions", "contracts"), why: "functions import only functions/ and contracts/" },
  { from: under("functions"), forbids: pkg("@pulumi/"), why: "function code never loads Pulumi" },
  {
    from: under("components"),
    forbids: either(file("config.ts", "index.ts"), under("scripts", "local", "policy", "lib")),
    why: "components never import config.ts, index.ts, scripts/, local/, policy/ or lib/",
  },
  { from: under("lib"), forbids: relativeOutside("lib"), why: "lib/ imports nothing else from the repo" },
  { from: under("local"), forbids: under("scripts"), why: "local mode never imports the tools: what both use lives in lib/" },
  { from: under("policy"), forbids: relativeOutside("policy", "contracts"), why: "the policy pack imports only policy/ and contracts/" },
  { from: under("tracker"), forbids: relativeOutside("tracker"), why: "the tracker is self-contained browser code" },
  { from: file("config.ts", "index.ts"), forbids: under("scripts", "local", "lib"), why: "the program never imports tools or local mode" },
  {
    from: under("tests/support"),
    forbids: (p) => under("tests")(p) && !under("tests/support")(p),
    why: "tests/support sits below the tests and suites that use it",
  },
];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** Repo-relative target of each import: `dir/file` (extension as written) or `pkg:<name>` for bare specifiers. */
export function importTargets(repoPath: string, source: string): string[] {
  const info = ts.preProcessFile(source, true, true);
  return info.importedFiles.map(({ fileName }) => {
    if (!fileName.startsWith(".")) return `pkg:${fileName}`;
    return path.posix.normalize(path.posix.join(path.posix.dirname(repoPath), fileName));
  });
}

export function violations(repoPath: string, targets: readonly string[]): string[] {
  const found: string[] = [];
  for (const target of targets) {
    for (const rule of RULES) if (rule.from(repoPath) && rule.forbids(target)) found.push(`${repoPath} imports ${target}: ${rule.why}`);
  }
  return found;
}

describe("import layers", () => {
  it("finds every kind of import statement, relative and bare", () => {
    const source = [
      'import a from "../contracts/names";',
      'import type { B } from "./b";',
      'export * from "../../tests/support/x";',
      'const c = require("../config");',
      'const d = await import("@pulumi/aws");',
    ].join("\n");
    expect(importTargets("functions/shared/x.ts", source)).to.deep.equal([
      "functions/contracts/names",
      "functions/shared/b",
      "tests/support/x",
      "functions/config",
      "pkg:@pulumi/aws",
    ]);
  });

  it("flags each forbidden direction with the rule it breaks", () => {
    expect(violations("scripts/loadtest/main.ts", ["tests/support/dynalite"])).to.deep.equal([
      "scripts/loadtest/main.ts imports tests/support/dynalite: only tests import tests/",
    ]);
    expect(violations("contracts/names.ts", ["functions/shared/env"])).to.deep.equal([
      "contracts/names.ts imports functions/shared/env: contracts import nothing from the repo",
    ]);
    expect(violations("functions/collector.ts", ["components/iam", "pkg:@pulumi/pulumi"])).to.deep.equal([
      "functions/collector.ts imports components/iam: functions import only functions/ and contracts/",
      "functions/collector.ts imports pkg:@pulumi/pulumi: function code never loads Pulumi",
    ]);
    expect(violations("components/iam.ts", ["config", "scripts/lib/rng", "local/tables", "lib/cli"])).to.have.length(4);
    expect(
      violations("local/function-env.ts", ["scripts/lib/stack-file", "lib/stack-file", "config", "contracts/function-env"]),
    ).to.deep.equal([
      "local/function-env.ts imports scripts/lib/stack-file: local mode never imports the tools: what both use lives in lib/",
    ]);
    expect(violations("lib/stack-file.ts", ["config", "pkg:js-yaml"])).to.deep.equal([
      "lib/stack-file.ts imports config: lib/ imports nothing else from the repo",
    ]);
    expect(violations("components/observability.ts", ["config"])).to.have.length(1);
    expect(violations("tests/layers.test.ts", ["lib/cli", "tests/support/collector", "config"])).to.deep.equal([]);
    expect(violations("components/collector-api.ts", ["config"])).to.have.length(1);
    expect(violations("tests/support/collector.ts", ["tests/bench/stats", "tests/support/rng", "scripts/lib/rng"])).to.deep.equal([
      "tests/support/collector.ts imports tests/bench/stats: tests/support sits below the tests and suites that use it",
    ]);
  });

  it("holds for every .ts file in the repo", () => {
    const files = tsFiles(ROOT);
    expect(files.length).to.be.greaterThan(100);
    const found = files.flatMap((full) => {
      const repoPath = path.relative(ROOT, full).split(path.sep).join("/");
      return violations(repoPath, importTargets(repoPath, readFileSync(full, "utf8")));
    });
    expect(found).to.deep.equal([]);
  });
});
