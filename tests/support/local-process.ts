/**
 * Local mode as a child process (local/child.ts, re-exported for the tests), repo commands run to
 * completion, and the event-id bookkeeping that proves stored == acknowledged. Shared by the
 * crash/local-mode tests and `npm run soak`.
 */

import { spawn } from "node:child_process";
import { tableNamesFor } from "../../contracts/tables";
import { REPO_ROOT } from "../../lib/stack-file";
import { localClient, scanItems } from "../../local/store-access";

export { type LocalModeOptions, type LocalProcess, type LocalReady, startLocalMode } from "../../local/child";

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a repo TypeScript entry point (e.g. "local/reset.ts") to completion, as `npm run` would. */
export function runRepoCommand(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<CommandResult> {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) =>
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** How many Events items carry each event_id, over a full (paginated) scan of the local Events table. */
export async function storedEventIdCounts(endpoint: string, stack = "local"): Promise<Map<string, number>> {
  const client = localClient(endpoint);
  const counts = new Map<string, number>();
  try {
    for await (const item of scanItems(client, tableNamesFor(stack).events, "event_id")) {
      const id = typeof item.event_id === "string" ? item.event_id : "(missing)";
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  } finally {
    client.destroy();
  }
  return counts;
}

export interface Reconciliation {
  acknowledged: number;
  stored: number;
  /** Acknowledged ids with no stored item. */
  missing: string[];
  /** Ids stored more than once. */
  duplicated: string[];
  /** Stored ids never acknowledged (in flight at a crash, or a 503 that did store): allowed, reported. */
  unacknowledgedStored: number;
}

/** Compares acknowledged event ids with stored ones, restricted to ids this run sent (prefix). */
export function reconcile(acknowledged: Set<string>, stored: Map<string, number>, prefix: string): Reconciliation {
  const ours = [...stored].filter(([id]) => id.startsWith(prefix));
  return {
    acknowledged: acknowledged.size,
    stored: ours.length,
    missing: [...acknowledged].filter((id) => !stored.has(id)),
    duplicated: ours.filter(([, n]) => n !== 1).map(([id]) => id),
    unacknowledgedStored: ours.filter(([id]) => !acknowledged.has(id)).length,
  };
}
