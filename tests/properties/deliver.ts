/** Delivers generated traffic to handleCollect on dynalite, the way browsers and their retries do. */
import type { TableNames } from "../../contracts/tables";
import { collect, testDeps } from "../support/collector";
import type { TestDynamo } from "../support/dynalite";
import { injectFaults } from "../support/fault-injector";
import type { Answers } from "./invariants";
import { bodyOf, type Delivery, serverTime, type Traffic } from "./visits";

const ATTEMPTS_WITH_FAULTS = 5;

export interface DeliveryStats {
  attempts: number;
  lostResponses: number;
  unexpectedStatuses: string[];
}

export async function deliver(
  dynamo: TestDynamo,
  tables: TableNames,
  traffic: Traffic,
): Promise<{ answers: Answers; stats: DeliveryStats }> {
  // maxAttempts 1: a lost response reaches the collector (which answers 503) instead of being
  // retried inside the SDK; the "browser" below retries the whole request.
  const faulty = dynamo.client({ maxAttempts: 1 });
  const faults = injectFaults(faulty, {
    seed: traffic.seed,
    failAfterWriteRate: traffic.lostResponseRate,
    throttleRate: traffic.throttleRate,
    unprocessedRate: traffic.unprocessedRate,
  });
  const clean = dynamo.client();
  const answers: Answers = { sessionIds: new Map(), singleAttempts: true, lastServerTime: 0 };
  const stats: DeliveryStats = { attempts: 0, lostResponses: 0, unexpectedStatuses: [] };
  const body = (d: Delivery) => bodyOf(traffic, d);

  async function attemptUntilStored(d: Delivery, copy: number) {
    let resends = d.resend && d.copies === 1 ? 1 : 0;
    for (let attempt = 0; ; attempt++) {
      const client = attempt < ATTEMPTS_WITH_FAULTS ? faulty : clean;
      stats.attempts++;
      if (attempt > 0 || copy > 0) answers.singleAttempts = false;
      const at = serverTime(traffic, d, attempt, copy);
      answers.lastServerTime = Math.max(answers.lastServerTime, at);
      const out = await collect(testDeps(client, tables), body(d), at);
      if (out.result.statusCode === 200) {
        const ids: string[] = out.json.session_ids;
        out.json.event_ids.forEach((id: string, i: number) => {
          answers.sessionIds.set(id, (answers.sessionIds.get(id) ?? new Set()).add(ids[i]));
        });
        if (resends-- > 0) continue; // the response was lost: the browser sends the request again
        return;
      }
      if (out.result.statusCode !== 503 || client === clean) {
        stats.unexpectedStatuses.push(`${out.result.statusCode} ${out.result.body} ${String((out.error as Error)?.message)}`);
        return;
      }
    }
  }

  for (const wave of traffic.waves) {
    await Promise.all(wave.flatMap((d) => Array.from({ length: d.copies }, (_, copy) => attemptUntilStored(d, copy))));
  }
  stats.lostResponses = faults.failedAfterWrite;
  if (faults.failedAfterWrite > 0 || faults.throttled > 0) answers.singleAttempts = false;
  return { answers, stats };
}
