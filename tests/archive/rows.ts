/** Stream images and rows for the archive tests: what the collector stores, in DynamoDB JSON. */
import type { ArchiverRecord } from "../../functions/archive/archive-batch";
import type { ArchiveRow, StreamImage } from "../../functions/archive/row";

export interface ImageFields {
  session: string;
  eventId: string;
  timestamp: number;
  receivedAt?: number;
  site?: string;
  page?: string;
  properties?: StreamImage;
}

export function eventImage(f: ImageFields): StreamImage {
  const key = `${String(f.timestamp).padStart(13, "0")}#${f.eventId}`;
  const image: StreamImage = {
    session_id: { S: f.session },
    event_key: { S: key },
    event_id: { S: f.eventId },
    event_type: { S: f.page ? "page_view" : "click" },
    user_id: { S: "user_0a1b2c3d" },
    timestamp: { N: String(f.timestamp) },
    received_at: { N: String(f.receivedAt ?? f.timestamp + 5) },
    expires_at: { N: String(Math.floor(f.timestamp / 1000) + 7 * 86_400) },
    properties: { M: f.properties ?? {} },
  };
  if (f.site) image.site_id = { S: f.site };
  if (f.page) image.page_url = { S: f.page };
  return image;
}

export const sampleRow = (over: Partial<ArchiveRow> = {}): ArchiveRow => ({
  site_id: "local",
  session_id: "sess_1765152000000_0a1b2c3d",
  event_key: "1765152000123#evt_20251208_000000_0a1b2c3d",
  event_id: "evt_20251208_000000_0a1b2c3d",
  timestamp: 1765152000123,
  event_type: "page_view",
  user_id: "user_0a1b2c3d",
  page_url: "https://example.com/",
  referrer: null,
  user_agent: "Mozilla/5.0",
  ip_prefix: "203.0.113.0/24",
  properties: "{}",
  received_at: 1765152000200,
  client_timestamp: null,
  expires_at: 1765756800,
  ...over,
});

/** A DynamoDB stream record as Lambda delivers it (eventName, SequenceNumber, NewImage). */
export function streamRecord(image: StreamImage, sequenceNumber: string, eventName = "INSERT"): ArchiverRecord {
  return { eventName, dynamodb: { SequenceNumber: sequenceNumber, NewImage: image } };
}

/** Sequence numbers like the stream's: 21 decimal digits, increasing. */
export const sequence = (n: number) => String(100_000_000_000_000_000_000n + BigInt(n));
