// --stack <name>: the events URL is the stack's `eventsUrl` output, read through the Pulumi CLI
// (the only supported way to read outputs without re-implementing state backends).
import { execFile } from "node:child_process";
import { UsageError, validateUrl } from "./args";

export interface ExecResult {
  stdout: string;
  stderr: string;
}

/** Runs a program without a shell; rejects with the child_process error (code "ENOENT" when missing). */
export type ExecFn = (file: string, args: readonly string[]) => Promise<ExecResult>;

export const execFileAsync: ExecFn = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: 60_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout, stderr }));
      else resolve({ stdout: String(stdout), stderr: String(stderr) });
    });
  });

export async function resolveEventsUrl(stack: string, exec: ExecFn = execFileAsync): Promise<string> {
  let result: ExecResult;
  try {
    result = await exec("pulumi", ["stack", "output", "eventsUrl", "--stack", stack]);
  } catch (error) {
    throw explainPulumiFailure(stack, error as NodeJS.ErrnoException & { stderr?: string });
  }
  const url = result.stdout.trim();
  if (url === "") {
    throw new UsageError(
      `Stack "${stack}" has no eventsUrl output (has it been deployed with pulumi up?). Pass --url <api>/events instead.`,
    );
  }
  validateUrl(url);
  return url;
}

function explainPulumiFailure(stack: string, error: NodeJS.ErrnoException & { stderr?: string }): UsageError {
  if (error.code === "ENOENT") {
    return new UsageError(
      `--stack ${stack} needs the Pulumi CLI to read the stack's eventsUrl output, and "pulumi" was not found on PATH. ` +
        "Install it (https://www.pulumi.com/docs/install/) or pass --url <api>/events instead.",
    );
  }
  const detail = (error.stderr ?? "").trim().split("\n")[0] || error.message;
  return new UsageError(
    `"pulumi stack output eventsUrl --stack ${stack}" failed: ${detail}. Check the stack name and login, or pass --url <api>/events instead.`,
  );
}
