/**
 * A stream record's new image (DynamoDB JSON, as Lambda delivers it) → one archive row. A record
 * that cannot be a row (a missing or mistyped required attribute) is a poison record: the error
 * names the attribute, and the archiver reports it so the stream isolates it (archive-batch.ts).
 */
import { identityOf } from "./identity";

/** The attribute value shapes of a DynamoDB stream image (DynamoDB API Reference, "AttributeValue"). */
export interface StreamAttribute {
  S?: string;
  N?: string;
  B?: string | Uint8Array;
  BOOL?: boolean;
  NULL?: boolean;
  M?: Record<string, StreamAttribute>;
  L?: StreamAttribute[];
  SS?: string[];
  NS?: string[];
  BS?: (string | Uint8Array)[];
}
export type StreamImage = Record<string, StreamAttribute>;

export interface ArchiveRow {
  site_id: string;
  session_id: string;
  event_key: string;
  event_id: string;
  /** Epoch ms. */
  timestamp: number;
  event_type: string;
  user_id: string;
  page_url: string | null;
  referrer: string | null;
  user_agent: string | null;
  ip_prefix: string | null;
  /** A JSON object text. */
  properties: string;
  received_at: number;
  client_timestamp: number | null;
  expires_at: number;
}

export class PoisonRecordError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PoisonRecordError";
  }
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** DynamoDB JSON → JSON text; numbers keep their exact decimal text (a double would round past 2^53). */
export function attributeJson(value: StreamAttribute): string {
  if (value.S !== undefined) return JSON.stringify(value.S);
  if (value.N !== undefined) return JSON_NUMBER.test(value.N) ? value.N : JSON.stringify(value.N);
  if (value.BOOL !== undefined) return String(value.BOOL);
  if (value.NULL) return "null";
  if (value.M) {
    const keys = Object.keys(value.M).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${attributeJson(value.M![k])}`).join(",")}}`;
  }
  if (value.L) return `[${value.L.map(attributeJson).join(",")}]`;
  if (value.SS) return JSON.stringify(value.SS);
  if (value.NS) return `[${value.NS.map((n) => attributeJson({ N: n })).join(",")}]`;
  const bytes = value.B ?? value.BS;
  if (bytes !== undefined) return JSON.stringify(bytes instanceof Uint8Array ? Buffer.from(bytes).toString("base64") : bytes);
  return "null";
}

function text(image: StreamImage, name: string): string {
  const value = image[name]?.S;
  if (typeof value !== "string" || value === "") throw new PoisonRecordError(`attribute ${name} must be a non-empty string (S)`);
  return value;
}

const optionalText = (image: StreamImage, name: string): string | null => image[name]?.S || null;

function wholeNumber(image: StreamImage, name: string): number {
  const raw = image[name]?.N;
  const value = Number(raw);
  if (raw === undefined || !Number.isSafeInteger(value)) throw new PoisonRecordError(`attribute ${name} must be a whole number (N)`);
  return value;
}

export function rowOf(image: StreamImage | undefined): ArchiveRow {
  if (!image) throw new PoisonRecordError("the record has no NewImage (the stream must send NEW_IMAGE)");
  const properties = image.properties;
  if (properties !== undefined && !properties.M) throw new PoisonRecordError("attribute properties must be a map (M)");
  return {
    ...identityOf(image.site_id?.S, text(image, "session_id")),
    event_key: text(image, "event_key"),
    event_id: text(image, "event_id"),
    timestamp: wholeNumber(image, "timestamp"),
    event_type: text(image, "event_type"),
    user_id: text(image, "user_id"),
    page_url: optionalText(image, "page_url"),
    referrer: optionalText(image, "referrer"),
    user_agent: optionalText(image, "user_agent"),
    ip_prefix: optionalText(image, "ip_prefix"),
    properties: properties ? attributeJson(properties) : "{}",
    received_at: wholeNumber(image, "received_at"),
    client_timestamp: image.client_timestamp ? wholeNumber(image, "client_timestamp") : null,
    expires_at: wholeNumber(image, "expires_at"),
  };
}
