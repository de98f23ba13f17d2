import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";

// js-yaml ships with @pulumi/pulumi (a dependency of it) but without type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml: { load(text: string): unknown } = require("js-yaml");

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  strategy?: { matrix: Record<string, unknown[]> };
  steps: Step[];
}
interface Workflow {
  on: Record<string, any>;
  jobs: Record<string, Job>;
}

const ROOT = path.resolve(__dirname, "..");
const load = (file: string) => yaml.load(fs.readFileSync(path.join(ROOT, ".github", "workflows", file), "utf8")) as Workflow;
const runs = (job: Job) => job.steps.filter((s) => s.run).map((s) => s.run!.trim());
const pulumiSteps = (job: Job) => job.steps.filter((s) => s.uses === "pulumi/actions@v6");

/** A job's steps with `${{ matrix.<key> }}` replaced, one copy per matrix value. */
function expandMatrix(job: Job, key: string): Record<string, Step[]> {
  const values = (job.strategy?.matrix[key] ?? []) as string[];
  return Object.fromEntries(
    values.map((value) => [value, JSON.parse(JSON.stringify(job.steps).split(`\${{ matrix.${key} }}`).join(value)) as Step[]]),
  );
}

/** Node 22 in CI (what Lambda runs: nodejs22.x), its npm cache keyed on both lockfiles. */
function expectNodeSetup(job: Job): void {
  expect(job.steps[0].uses).to.equal("actions/checkout@v4");
  const setup = job.steps.find((s) => s.uses === "actions/setup-node@v4");
  expect(setup?.with?.["node-version"]).to.equal(22);
  expect(String(setup?.with?.["cache-dependency-path"]).trim().split("\n")).to.deep.equal([
    "package-lock.json",
    "policy/package-lock.json",
  ]);
}

const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };

/**
 * `npm ci` alone installs the policy pack too (the root postinstall), before the tests (which start
 * the pack) and the Pulumi CLI need it.
 */
function expectPolicyInstalledBeforePulumi(steps: Step[]): void {
  expect(PACKAGE.scripts.postinstall).to.equal("npm ci --prefix policy --no-audit --no-fund");
  const install = steps.findIndex((s) => s.run?.trim() === "npm ci");
  const pulumi = steps.findIndex((s) => s.uses === "pulumi/actions@v6");
  const tests = steps.findIndex((s) => s.run?.trim() === "npm test");
  expect(install, "npm ci").to.be.greaterThan(-1);
  expect(install).to.be.lessThan(pulumi);
  if (tests !== -1) expect(install, "npm ci before npm test").to.be.lessThan(tests);
  expect(
    steps.filter((s) => s.run?.includes("--prefix policy")),
    "no second install of policy/",
  ).to.deep.equal([]);
}

/** The preflight of the stack runs with the job's AWS credentials, after them and before `pulumi up`. */
function expectPreflightBeforeUp(steps: Step[], stack: string): void {
  const credentials = steps.findIndex((s) => s.uses === "aws-actions/configure-aws-credentials@v4");
  const preflight = steps.findIndex((s) => s.run?.trim() === `npm run preflight -- --stack ${stack}`);
  const up = steps.findIndex((s) => s.uses === "pulumi/actions@v6");
  expect(preflight, `npm run preflight -- --stack ${stack}`).to.be.greaterThan(credentials);
  expect(credentials).to.be.greaterThan(-1);
  expect(preflight).to.be.lessThan(up);
}

describe(".github/workflows/pull-request.yml", () => {
  const workflow = load("pull-request.yml");

  it("runs on pull requests", () => {
    expect(workflow.on).to.have.property("pull_request");
  });

  it("installs, tests and runs the offline policy check for dev and prod", () => {
    const job = workflow.jobs.test;
    expectNodeSetup(job);
    const commands = runs(job);
    expect(commands[0]).to.equal("npm ci");
    // the policy tests start the pack from policy/, so its dependencies come first (the postinstall of npm ci)
    expectPolicyInstalledBeforePulumi([...job.steps, { uses: "pulumi/actions@v6" }]);
    expect(commands).to.include.members(["npm run lint", "npm run typecheck"]);
    expect(commands.slice(commands.indexOf("npm test") + 1)).to.deep.equal([
      "npm run policy:check -- --stack dev",
      "npm run policy:check -- --stack prod",
      "npm run policy:check -- --stack dev --preview",
      "npm run policy:check -- --stack prod --preview",
    ]);
  });

  it("previews each stack with the policy pack and that stack's policy config, after the checks", () => {
    const job = workflow.jobs.preview;
    expect(job.needs).to.equal("test");
    expectNodeSetup(job);
    const perStack = expandMatrix(job, "stack");
    expect(Object.keys(perStack)).to.deep.equal(["dev", "prod"]);
    for (const [stack, steps] of Object.entries(perStack)) {
      expectPolicyInstalledBeforePulumi(steps);
      expect(pulumiSteps({ steps }).map((s) => s.with)).to.deep.equal([
        {
          command: "preview",
          "stack-name": stack,
          policyPacks: "policy",
          policyPackConfigs: `policy/config/${stack}.json`,
          "comment-on-pr": true,
          diff: true,
        },
      ]);
    }
  });
});

describe(".github/workflows/deploy.yml", () => {
  const workflow = load("deploy.yml");

  it("runs on pushes to main, on v* tags and by hand", () => {
    expect(workflow.on.push).to.deep.equal({ branches: ["main"], tags: ["v*"] });
    expect(workflow.on).to.have.property("workflow_dispatch");
  });

  it("deploys dev on a push to main with the dev policy config", () => {
    const job = workflow.jobs.dev;
    expect(job.if).to.equal("github.event_name == 'push' && github.ref == 'refs/heads/main'");
    expectNodeSetup(job);
    expectPolicyInstalledBeforePulumi(job.steps);
    expectPreflightBeforeUp(job.steps, "dev");
    expect(runs(job)).to.include("npm run policy:check -- --stack dev");
    expect(pulumiSteps(job).map((s) => s.with)).to.deep.equal([
      { command: "up", "stack-name": "dev", policyPacks: "policy", policyPackConfigs: "policy/config/dev.json" },
    ]);
  });

  it("deploys prod on a tag or a manual run, behind the production environment's approval", () => {
    const job = workflow.jobs.prod;
    expect(job.if).to.equal("startsWith(github.ref, 'refs/tags/v') || github.event_name == 'workflow_dispatch'");
    expect(job.environment).to.equal("production");
    expectNodeSetup(job);
    expectPolicyInstalledBeforePulumi(job.steps);
    expectPreflightBeforeUp(job.steps, "prod");
    expect(runs(job)).to.include("npm run policy:check -- --stack prod");
    expect(pulumiSteps(job).map((s) => s.with)).to.deep.equal([
      { command: "up", "stack-name": "prod", policyPacks: "policy", policyPackConfigs: "policy/config/prod.json" },
    ]);
  });

  it("authenticates Pulumi from a secret, never a literal token", () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const step of pulumiSteps(job)) {
        expect(step.env).to.deep.equal({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
      }
    }
  });
});

describe("docs/deploy.md lists what the workflows need", () => {
  const doc = fs.readFileSync(path.join(ROOT, "docs", "deploy.md"), "utf8");
  const rows = (kind: string) => [...doc.matchAll(new RegExp(`^\\| ${kind} +\\| \`([^\`]+)\``, "gm"))].map((m) => m[1]).sort();
  const texts = ["deploy.yml", "pull-request.yml"].map((f) => fs.readFileSync(path.join(ROOT, ".github", "workflows", f), "utf8"));

  it("every secret the workflows reference, and no other", () => {
    const used = [...new Set(texts.flatMap((t) => [...t.matchAll(/\$\{\{\s*secrets\.([A-Z0-9_]+)\s*\}\}/g)].map((m) => m[1])))].sort();
    expect(used).to.have.length.greaterThan(1);
    expect(rows("secret")).to.deep.equal(used);
  });

  it("every GitHub environment a job runs in, and that there are no repository variables", () => {
    const environments = ["deploy.yml", "pull-request.yml"].flatMap((f) =>
      Object.values(load(f).jobs).flatMap((job) =>
        job.environment ? [typeof job.environment === "string" ? job.environment : job.environment.name] : [],
      ),
    );
    expect(rows("environment")).to.deep.equal([...new Set(environments)].sort());
    for (const t of texts) expect(t).not.to.match(/\bvars\./);
    expect(doc).to.include("There are no repository variables.");
  });
});
