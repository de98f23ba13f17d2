/**
 * An S3 bucket in memory behind the real S3Client: a request handler that answers PutObject,
 * GetObject, ListObjectsV2 (paged) and DeleteObjects with S3's own status codes and XML, so the
 * SDK's serializers, deserializers and retry strategy all run. Faults are injected at that HTTP
 * layer: a PUT answered `500 InternalError` (retryable, Amazon S3 API Reference, "Error
 * responses") fails inside the SDK's retries exactly like a real one.
 */
import { Readable } from "node:stream";
import { S3Client } from "@aws-sdk/client-s3";
import { createRng } from "../../scripts/lib/rng";

export interface S3Faults {
  seed?: number;
  /** Per PutObject attempt: probability of a 500 InternalError (the object is not stored). */
  putFailureRate?: number;
  /** Every request fails with 503 SlowDown while true. */
  down?: boolean;
}

export interface MemoryBucket {
  readonly objects: Map<string, Uint8Array>;
  readonly faults: S3Faults;
  readonly stats: { putAttempts: number; putFailures: number; requests: number };
  client(maxAttempts?: number): S3Client;
}

interface Request {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  body?: unknown;
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

async function bodyBytes(body: unknown): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array();
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  const chunks: Buffer[] = [];
  for await (const chunk of body as Readable) chunks.push(Buffer.from(chunk));
  return new Uint8Array(Buffer.concat(chunks));
}

function reply(statusCode: number, body: string | Uint8Array = "", headers: Record<string, string> = {}) {
  const bytes = typeof body === "string" ? Buffer.from(body) : Buffer.from(body);
  return { response: { statusCode, headers: { "content-length": String(bytes.length), ...headers }, body: Readable.from([bytes]) } };
}

const error = (status: number, code: string, message: string) =>
  reply(status, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`, {
    "content-type": "application/xml",
  });

export function memoryBucket(bucket: string, faults: S3Faults = {}, listPageSize = 1000): MemoryBucket {
  const objects = new Map<string, Uint8Array>();
  const stats = { putAttempts: 0, putFailures: 0, requests: 0 };
  const random = createRng(faults.seed ?? 1);

  function list(query: Record<string, unknown>) {
    const prefix = String(query.prefix ?? "");
    const after = query["continuation-token"] ? String(query["continuation-token"]) : "";
    const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
    const page = keys.slice(0, listPageSize);
    const truncated = keys.length > page.length;
    const contents = page.map((k) => `<Contents><Key>${xmlEscape(k)}</Key><Size>${objects.get(k)!.length}</Size></Contents>`).join("");
    const next = truncated ? `<NextContinuationToken>${xmlEscape(page[page.length - 1])}</NextContinuationToken>` : "";
    return reply(
      200,
      `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${listPageSize}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${next}</ListBucketResult>`,
      { "content-type": "application/xml" },
    );
  }

  async function handle(request: Request) {
    stats.requests++;
    if (faults.down) return error(503, "SlowDown", "Please reduce your request rate.");
    const [, name, ...rest] = request.path.split("/");
    if (name !== bucket) return error(404, "NoSuchBucket", "The specified bucket does not exist");
    const key = rest.map(decodeURIComponent).join("/");
    const query = request.query ?? {};
    if (request.method === "PUT") {
      stats.putAttempts++;
      const body = await bodyBytes(request.body);
      if (random() < (faults.putFailureRate ?? 0)) {
        stats.putFailures++;
        return error(500, "InternalError", "We encountered an internal error. Please try again.");
      }
      objects.set(key, body);
      return reply(200, "", { etag: `"${body.length}"` });
    }
    if (request.method === "GET" && key === "" && query["list-type"] === "2") return list(query);
    if (request.method === "GET") {
      const body = objects.get(key);
      return body
        ? reply(200, body, { "content-type": "application/octet-stream" })
        : error(404, "NoSuchKey", "The specified key does not exist.");
    }
    if (request.method === "POST" && "delete" in query) {
      const xml = new TextDecoder().decode(await bodyBytes(request.body));
      for (const m of xml.matchAll(/<Key>([^<]*)<\/Key>/g))
        objects.delete(m[1].replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"));
      return reply(200, '<?xml version="1.0" encoding="UTF-8"?><DeleteResult></DeleteResult>', { "content-type": "application/xml" });
    }
    return error(405, "MethodNotAllowed", `${request.method} is not emulated here`);
  }

  return {
    objects,
    faults,
    stats,
    client: (maxAttempts = 3) =>
      new S3Client({
        region: "us-east-1",
        endpoint: "http://s3.memory.invalid",
        forcePathStyle: true,
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
        maxAttempts,
        // Retries back off by the SDK's own schedule; the handler answers at once.
        requestHandler: {
          handle: (request: Request) => handle(request),
          updateHttpClientConfig() {},
          httpHandlerConfigs: () => ({}),
        } as never,
      }),
  };
}
