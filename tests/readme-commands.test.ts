/**
 * Every shell command README.md and docs/local-mode.md show (their ```sh blocks) runs against a fresh local mode
 * as documented, so the commands a newcomer copies keep working. `npm run <script>` lines are
 * resolved through package.json (the script must exist and be `tsx <file>`); curl lines are
 * replayed with fetch against the test's instance. A new kind of command in those blocks fails
 * this test until it is taught here.
 */

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { type LocalProcess, runRepoCommand, startLocalMode } from "./support/local-process";

const ROOT = path.resolve(__dirname, "..");
/** Each document with the commands it must show a newcomer. */
const DOCS: Record<string, string[]> = {
  "README.md": ["curl -s -X POST", "curl -s http", "npm run local:scan -- Events", "npm start -- --help"],
  "docs/local-mode.md": [
    "npm ci",
    "npm start",
    "curl -s -X POST",
    "curl -s http",
    "npm run local:scan -- Events",
    "npm run local:reset",
    "npm start -- --help",
  ],
};
const DOCUMENTED_API = "http://127.0.0.1:3000";

/** The lines of the ```sh blocks. */
function shellCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.flatMap((block) =>
    block
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean),
  );
}

/** Splits a command line on spaces, honouring '…' and "…" quotes: the only quoting the docs use. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

interface Curl {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

function parseCurl(line: string): Curl {
  const args = words(line).slice(1);
  const curl: Curl = { method: "GET", url: "", headers: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "-s") continue;
    if (arg === "-X") curl.method = args[++i];
    else if (arg === "-H") {
      const [name, ...value] = args[++i].split(":");
      curl.headers[name.trim().toLowerCase()] = value.join(":").trim();
    } else if (arg === "-d") curl.body = args[++i];
    else if (/^https?:\/\//.test(arg)) curl.url = arg;
    else throw new Error(`curl option ${arg} in "${line}" is not understood by this test; teach it here.`);
  }
  return curl;
}

/** `npm start -- a b` / `npm run x -- a b` → the script's file from package.json and the args. */
function npmScript(line: string): { file: string; args: string[] } {
  const parts = words(line);
  const name = parts[1] === "run" ? parts[2] : parts[1];
  const rest = parts.slice(parts[1] === "run" ? 3 : 2);
  const script: string | undefined = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts[name];
  expect(script, `package.json has no script "${name}" for "${line}"`).to.be.a("string");
  const match = /^tsx (\S+)$/.exec(script!);
  expect(match, `script "${name}" is "${script}"; this test runs only "tsx <file>" scripts`).to.not.equal(null);
  return { file: match![1], args: rest[0] === "--" ? rest.slice(1) : rest };
}

for (const [doc, required] of Object.entries(DOCS))
  describe(`the commands of ${doc}`, function () {
    this.timeout(90_000);
    const commands = shellCommands(readFileSync(path.join(ROOT, doc), "utf8"));
    const dataDir = path.join(mkdtempSync(path.join(os.tmpdir(), "li-docs-")), ".liveinsight");
    let local: LocalProcess;
    const env = () => ({
      LIVEINSIGHT_DATA_DIR: dataDir,
      DYNAMODB_ENDPOINT: "",
      AWS_ACCESS_KEY_ID: "",
      AWS_SECRET_ACCESS_KEY: "",
      AWS_PROFILE: "",
    });

    before(async () => {
      local = await startLocalMode(dataDir);
    });
    after(async () => {
      await local?.stop("SIGKILL");
      rmSync(path.dirname(dataDir), { recursive: true, force: true });
    });

    it("shows the commands a newcomer needs", () => {
      for (const start of required) {
        expect(
          commands.some((c) => c.startsWith(start)),
          `${doc} shows no "${start}" command`,
        ).to.equal(true);
      }
    });

    it("runs each one as documented", async () => {
      let eventsSent = 0;
      const reset: string[] = [];
      for (const line of commands) {
        if (line === "npm ci" || line === "npm start") continue; // what this test did to get here
        if (line.startsWith("curl ")) {
          const curl = parseCurl(line);
          expect(curl.url.startsWith(DOCUMENTED_API), `${line} does not target ${DOCUMENTED_API}`).to.equal(true);
          const res = await fetch(local.apiUrl + curl.url.slice(DOCUMENTED_API.length), {
            method: curl.method,
            headers: curl.headers,
            body: curl.body,
          });
          const body = (await res.json()) as { message?: string; active_sessions?: number };
          expect(res.status, `${line} → ${JSON.stringify(body)}`).to.equal(200);
          if (curl.method === "POST") {
            const sent = JSON.parse(curl.body!);
            eventsSent += sent.events ? sent.events.length : 1;
            expect(body.message, line).to.match(/^Events? processed successfully$/);
          } else expect(body.active_sessions, line).to.be.greaterThan(0);
          continue;
        }
        if (line === "npm run local:reset") {
          reset.push(line); // needs the instance stopped: run last
          continue;
        }
        expect(line, "a command this test does not know").to.match(/^npm (start|run local:scan|run local:query|run local:compact)( |$)/);
        const { file, args } = npmScript(line);
        const run = await runRepoCommand(file, args, env());
        expect(run.code, `${line}: ${run.stderr}`).to.equal(0);
        if (args.includes("--help")) expect(run.stdout).to.match(/^Usage: /);
        else if (file === "local/query.ts") expect(run.stdout, line).to.match(/\n\(\d+ rows?\)\n$/);
        else if (file === "local/compact.ts") expect(run.stdout, line).to.match(/^(Nothing to compact|\d{4}-\d{2}-\d{2}: )/);
        else if (args[0] === "Events") {
          expect(
            run.stdout
              .trim()
              .split("\n")
              .map((l) => JSON.parse(l).event_type),
          ).to.have.length(eventsSent);
          expect(run.stderr).to.equal(`${eventsSent} item${eventsSent === 1 ? "" : "s"} in LiveInsight-local-Events\n`);
        } else expect(run.stderr, line).to.match(/^\d+ items? in LiveInsight-local-/);
      }
      expect(eventsSent, "the docs post no event").to.be.greaterThan(0);
      expect(await local.stop("SIGTERM")).to.equal(0);
      for (const line of reset) {
        const { file, args } = npmScript(line);
        const run = await runRepoCommand(file, args, env());
        expect([run.code, run.stdout]).to.deep.equal([0, `Deleted ${dataDir}; the next npm start begins with empty tables.\n`]);
        expect(existsSync(dataDir)).to.equal(false);
      }
    });
  });
