/**
 * The archive in a directory (local mode): keys are relative paths. A put writes a temporary file
 * beside the target and renames it over the target, so a reader (DuckDB) or a crash never sees half
 * an object, as with S3 PutObject. Temporary files start with "." and are never listed.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ArchiveStore } from "./store";

async function walk(root: string, relative: string, out: string[]): Promise<void> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(path.join(root, relative), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const key = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) await walk(root, key, out);
    else out.push(key);
  }
}

export function directoryStore(root: string): ArchiveStore {
  const fileOf = (key: string) => {
    if (key.split("/").some((part) => part === ".." || part === "")) throw new Error(`archive key "${key}" is not a plain relative path`);
    return path.join(root, ...key.split("/"));
  };
  return {
    location: root,
    async put(key, body) {
      const target = fileOf(key);
      await mkdir(path.dirname(target), { recursive: true });
      const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(4).toString("hex")}.tmp`);
      await writeFile(temporary, body);
      await rename(temporary, target);
    },
    get: async (key) => new Uint8Array(await readFile(fileOf(key))),
    async list(prefix) {
      const out: string[] = [];
      await walk(root, "", out);
      return out.filter((k) => k.startsWith(prefix)).sort();
    },
    async delete(keys) {
      await Promise.all(keys.map((k) => rm(fileOf(k), { force: true })));
    },
  };
}
