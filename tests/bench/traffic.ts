/**
 * Request bodies for the bench, from the tools' one event generator with a fixed seed, so every
 * run measures the same traffic: `eventsPerRequest` events spread round-robin over the request's
 * visitors, with explicit ids and timestamps `baseMs`, `baseMs + 1`, ….
 */
import { type TrafficEvent, TrafficGenerator } from "../../scripts/lib/event-generator";

const SEED = 1;

export interface BenchBody {
  events: TrafficEvent[];
}

export class BenchTraffic {
  private readonly generator: TrafficGenerator;

  /** `visitors` visitors with ids starting `tag` (unique per run: the API deduplicates on event_id). */
  constructor(tag: string, visitors: number) {
    this.generator = new TrafficGenerator({ sessions: visitors, seed: SEED, runId: tag, idPrefix: tag });
  }

  body(visitorIndexes: readonly number[], eventsPerRequest: number, baseMs: number): BenchBody {
    const visitors = visitorIndexes.map((index) => this.generator.visitors[index]!);
    const events = Array.from(
      { length: eventsPerRequest },
      (_, i) => this.generator.nextEvents(visitors[i % visitors.length]!, 1, baseMs + i)[0]!,
    );
    return { events };
  }
}
