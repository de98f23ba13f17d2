import { invalidEventsError } from "./request";
import type { Problem, ValidEvent } from "./validate";

/**
 * Two events of one request with the same `event_id` and `timestamp` are the same Events item
 * (docs/api.md): in one BatchWriteItem chunk DynamoDB refuses the whole chunk, in two chunks one
 * silently overwrites the other. Either way the request cannot be stored as sent, so it is a 400
 * before any write. An `event_id` sent twice without a timestamp gets the same server time, so
 * it collides too.
 */
export function duplicateProblems(events: ValidEvent[]): Problem[] {
  const firstIndex = new Map<string, number>();
  const problems: Problem[] = [];
  for (const e of events) {
    if (e.event_id === undefined) continue;
    const identity = `${e.event_id}\u0000${e.timestamp ?? "server-time"}`;
    const earlier = firstIndex.get(identity);
    if (earlier === undefined) firstIndex.set(identity, e.index);
    else
      problems.push({
        index: e.index,
        field: "event_id",
        problem: `repeats event ${earlier} (same event_id and timestamp); send each event once`,
      });
  }
  return problems;
}

/** Throws the §4 ValidationError when the request repeats an event; nothing has been written yet. */
export function refuseDuplicates(events: ValidEvent[]): void {
  const problems = duplicateProblems(events);
  if (problems.length === 0) return;
  throw invalidEventsError(problems, events.length);
}
