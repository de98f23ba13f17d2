/**
 * Every shell command README.md and docs/local-mode.md show (their ```sh blocks) runs against a fresh local mode
 * as documented, so the commands a newcomer copies keep working. `npm run <script>` lines are
 * resolved through package.json (the script must exist and be `tsx <file>`); curl lines are
 * replayed with fetch against the test's instance; `aws dynamodb …` lines run the AWS CLI against its
 * dynalite when the CLI is installed (skipped, saying so, when it is not). A new kind of command in
 * those blocks fails this test until it is taught here.
 */

import { spawn, spawnSync } from "node:child_process";
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
    "AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=",
  ],
};
const DOCUMENTED_API = "http://127.0.0.1:3000";
const DOCUMENTED_DYNAMODB = "http://127.0.0.1:8000";
/** The AWS CLI on PATH (v1 or v2), or undefined: its lines are then skipped, and the skip says so. */
const AWS_CLI = spawnSync("aws", ["--version"], { encoding: "utf8" }).status === 0 ? "aws" : undefined;

/** The commands of the ```sh blocks, a line ending in `\` joined with the next. */
function shellCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.flatMap((block) =>
    block
      .replace(/\\\n\s*/g, "")
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean),
  );
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `NAME=value … aws <args>` with only the line's own variables (plus PATH and HOME), so the line
 * must carry what the CLI needs, and the documented dynalite URL pointed at the test's instance.
 */
function runAwsLine(line: string, endpoint: string): Promise<CliRun> {
  const parts = words(line);
  const at = parts.indexOf("aws");
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: mkdtempSync(path.join(os.tmpdir(), "li-aws-home-")) };
  for (const assignment of parts.slice(0, at)) {
    const [name, ...value] = assignment.split("=");
    env[name] = value.join("=");
  }
  const args = parts.slice(at + 1).map((arg) => (arg === DOCUMENTED_DYNAMODB ? endpoint : arg));
  const child = spawn(AWS_CLI!, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.once("close", (code) => {
      rmSync(env.HOME, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    }),
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
        if (words(line).includes("aws")) {
          expect(line, "an AWS CLI line must set AWS_DEFAULT_REGION (CLI v1 reads no other)").to.match(/\bAWS_DEFAULT_REGION=\S/);
          if (!AWS_CLI) continue; // reported by the skipped test below
          const run = await runAwsLine(line, local.dynamodbEndpoint);
          expect(run.code, `${line}: ${run.stderr}`).to.equal(0);
          expect(JSON.parse(run.stdout).Count, line).to.equal(eventsSent);
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

    if (!AWS_CLI && commands.some((c) => words(c).includes("aws")))
      it.skip("runs its AWS CLI lines: skipped, no `aws` on PATH (install the AWS CLI, v1 or v2, to run them)");
  });
