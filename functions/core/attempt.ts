/**
 * An attempt's storage calls end before the attempt answers (docs/sessions.md, "Window edge").
 * Branches of a request run concurrently (pins, chains, event batches, live rows), and the first
 * one to fail decides the 503; without this, the others went on writing after it, so a retry
 * could decide an event's effective time without seeing a write its earlier attempt was still
 * to make (a session moved by the event at its client time, after the retry pinned server
 * time). After the first failure no call starts, and the answer waits for the calls in flight:
 * each is bounded by the budget's abort signal (store.ts), so the wait is too.
 *
 * On Lambda this is also what keeps a 503 from leaving work behind: code still pending when the
 * handler returns is frozen with the execution environment and resumes in a later invocation
 * ("Lambda execution environment", https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
 */
import { StorageUnavailableError } from "./errors";
import type { DynamoSender } from "./store";

/**
 * Runs `store` with a sender that starts no call once `store` has failed, and settles only when
 * none of its calls is in flight any more.
 */
export async function settledAttempt<T>(db: DynamoSender, store: (db: DynamoSender) => Promise<T>): Promise<T> {
  const inFlight = new Set<Promise<unknown>>();
  let ended = false;
  const send = ((command: Parameters<DynamoSender["send"]>[0], options?: Parameters<DynamoSender["send"]>[1]) => {
    if (ended) return Promise.reject(new StorageUnavailableError("the attempt has already failed: no call starts after that"));
    const call = db.send(command, options);
    // A failed call is the caller's to handle (a failed condition is an answer); here it only leaves the set.
    const settled: Promise<unknown> = call.then(
      () => inFlight.delete(settled),
      () => inFlight.delete(settled),
    );
    inFlight.add(settled);
    return call;
  }) as DynamoSender["send"];
  try {
    return await store({ send });
  } finally {
    // The rejection of the first failed branch reaches here in the same turn (promise reactions only), before any other
    // branch's pending call completes and could start another one.
    ended = true;
    while (inFlight.size > 0) await Promise.all(inFlight);
  }
}
