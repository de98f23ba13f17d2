/**
 * What the archiver and compaction handlers share: the store their environment names (read once
 * per container) and their one JSON log line per invocation.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { ARCHIVE_ENV, ARCHIVE_LOG_MESSAGES } from "../../contracts/archive";
import { ConfigError } from "../../contracts/function-env";
import { directoryStore } from "./fs-store";
import { s3Store } from "./s3-store";
import type { ArchiveStore } from "./store";

type Env = Record<string, string | undefined>;

/** ARCHIVE_BUCKET (AWS) or ARCHIVE_DIR (local mode): exactly one must be set. */
export function storeFromEnv(env: Env): ArchiveStore {
  const bucket = env[ARCHIVE_ENV.bucket];
  const directory = env[ARCHIVE_ENV.directory];
  if (bucket && directory)
    throw new ConfigError(`Set only one of ${ARCHIVE_ENV.bucket} (S3) and ${ARCHIVE_ENV.directory} (local mode); both are set.`);
  if (directory) return directoryStore(directory);
  if (!bucket)
    throw new ConfigError(
      `Environment variable ${ARCHIVE_ENV.bucket} is required but not set; the stack sets it on the function (local mode sets ${ARCHIVE_ENV.directory}).`,
    );
  // Region and retries (AWS_REGION, AWS_MAX_ATTEMPTS, AWS_RETRY_MODE) come from the environment.
  return s3Store(new S3Client({ requestHandler: { connectionTimeout: 1_000, requestTimeout: 10_000 } }), bucket);
}

export type ArchiveService = keyof typeof ARCHIVE_LOG_MESSAGES;

/** One line per invocation: ERROR when something was not done, WARN when only poison was set aside. */
export function archiveLogLine(service: ArchiveService, facts: Record<string, unknown>, level: "INFO" | "WARN" | "ERROR"): string {
  return JSON.stringify({ timestamp: new Date().toISOString(), level, message: ARCHIVE_LOG_MESSAGES[service], service, ...facts });
}
