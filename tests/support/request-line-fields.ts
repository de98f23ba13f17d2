/** The request line's fields in order, spelled out as the tests' own expectation (not imported from the code under test). */
export const REQUEST_LINE_FIELDS = [
  "timestamp",
  "level",
  "message",
  "service",
  "environment",
  "request_id",
  "cold_start",
  "events",
  "rejected",
  "sessions",
  "sessions_created",
  "dropped",
  "processing_time_ms",
  "status",
];
