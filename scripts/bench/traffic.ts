/** Request bodies for the bench: page views and clicks with explicit ids and timestamps. */
export interface BenchEvent {
  event_type: string;
  session_id: string;
  user_id: string;
  event_id: string;
  timestamp: number;
  page_url: string;
  properties?: Record<string, string | number>;
}

/** `eventsPerRequest` events spread round-robin over the given sessions (visitor `u-<session>`). */
export function requestBody(tag: string, sessions: string[], eventsPerRequest: number, baseMs: number) {
  const events: BenchEvent[] = [];
  for (let i = 0; i < eventsPerRequest; i++) {
    const session = sessions[i % sessions.length];
    events.push({
      event_type: i % 3 === 0 ? "page_view" : "click",
      session_id: session,
      user_id: `u-${session}`,
      event_id: `${tag}-${i}`,
      timestamp: baseMs + i,
      page_url: `https://www.example.com/p/${i % 4}`,
      ...(i % 3 === 0 ? {} : { properties: { element: "button", x: i } }),
    });
  }
  return { events };
}
