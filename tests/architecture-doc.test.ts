/**
 * docs/architecture.md is the tree, one line per file: every source file (and every shared test
 * module) must be named there, as a path from its top-level folder (`core/items.ts`,
 * `lib/cli.ts`, `support/dynalite.ts`), and nothing named there may be missing from the tree.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";

const ROOT = path.resolve(__dirname, "..");

/** Tracked .ts files, as a path below their top-level folder (root files as they are). */
function documentedNames(): Map<string, string> {
  const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "*.ts"], { cwd: ROOT, encoding: "utf8" })
    .split("\n")
    .filter((f) => f !== "" && !f.endsWith(".d.ts") && (!f.startsWith("tests/") || f.startsWith("tests/support/")));
  return new Map(files.map((f) => [f.includes("/") ? f.slice(f.indexOf("/") + 1) : f, f]));
}

describe("docs/architecture.md", () => {
  const doc = readFileSync(path.join(ROOT, "docs/architecture.md"), "utf8");
  const named = new Set([...doc.matchAll(/`([^`\s]+\.ts)`/g)].map((m) => m[1]!));

  it("names every source file and shared test module", () => {
    const missing = [...documentedNames()].filter(([name, file]) => !named.has(name) && !named.has(file)).map(([, file]) => file);
    expect(missing).to.deep.equal([]);
  });

  it("names no file that is gone", () => {
    // A name is a repo path, or a path below a top-level folder; the bench's line lists its files by name.
    const folders = ["", "components", "contracts", "functions", "local", "policy", "scripts", "tracker", "tests", "tests/bench"];
    const gone = [...named].filter((name) => !folders.some((folder) => existsSync(path.join(ROOT, folder, name))));
    expect(gone).to.deep.equal([]);
  });
});
