/**
 * The archive in an S3 bucket. The client is created once per container by the handler; retries
 * of throttling and 5xx follow the SDK's AWS_MAX_ATTEMPTS / AWS_RETRY_MODE (set by the stack).
 */
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ArchiveStore } from "./store";

/** DeleteObjects takes at most 1,000 keys (Amazon S3 API Reference, DeleteObjects). */
const DELETE_BATCH = 1000;

export function s3Store(client: Pick<S3Client, "send">, bucket: string): ArchiveStore {
  return {
    location: `s3://${bucket}`,
    async put(key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/vnd.apache.parquet" }));
    },
    async get(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!out.Body) throw new Error(`s3://${bucket}/${key} has no body`);
      return out.Body.transformToByteArray();
    },
    async list(prefix) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return keys.sort();
    },
    async delete(keys) {
      for (let i = 0; i < keys.length; i += DELETE_BATCH) {
        const batch = keys.slice(i, i + DELETE_BATCH);
        const out = await client.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        );
        // DeleteObjects answers 200 even when some keys failed: those come back in Errors.
        const failed = out.Errors ?? [];
        if (failed.length)
          throw new Error(`S3 refused to delete ${failed.length} of ${batch.length} objects, e.g. ${failed[0].Key}: ${failed[0].Code}`);
      }
    },
  };
}
