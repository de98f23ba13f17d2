/**
 * The storage process of local mode: dynalite on its own event loop, so a LevelDB compaction or a
 * burst of writes never stalls the collector's HTTP handling (and a storage crash never takes the
 * API down). Started by local/storage.ts with `fork`; talks to it over the IPC channel:
 *   child → parent  {type:"ready", port} | {type:"error", code, message}
 *   parent → child  {type:"stop"}
 * Arguments: <host> <port> <LevelDB directory>.
 */
import type { Server } from "node:http";
import dynalite from "dynalite";

export type StorageMessage = { type: "ready"; port: number } | { type: "error"; code: string; message: string };

const [host, portText, dataPath] = process.argv.slice(2);
const send = (message: StorageMessage) => process.send?.(message);

function closeAndExit(server: Server, code: number): void {
  // A wedged close must not keep the store's LOCK forever; the parent waits for this exit.
  setTimeout(() => process.exit(code), 3000).unref();
  server.close(() => process.exit(code));
  server.closeAllConnections();
}

const server = dynalite({ path: dataPath, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.once("error", (error: NodeJS.ErrnoException) => {
  send({ type: "error", code: error.code ?? "UNKNOWN", message: error.message });
  process.exit(1);
});
server.listen(Number(portText), host, () => {
  const address = server.address();
  send({ type: "ready", port: typeof address === "object" && address ? address.port : Number(portText) });
});

process.on("message", (message: { type?: string }) => {
  if (message?.type === "stop") closeAndExit(server, 0);
});
// The parent is gone (even SIGKILLed): close the store so the next instance can open it.
process.on("disconnect", () => closeAndExit(server, 0));
process.on("SIGTERM", () => closeAndExit(server, 0));
// Ctrl-C in a terminal reaches the whole process group; the parent decides when storage stops.
process.on("SIGINT", () => undefined);
process.on("uncaughtException", (error) => {
  const hint = /File too large|No space|ENOSPC|EFBIG/i.test(error.message) ? " (is the disk full?)" : "";
  process.stderr.write(`[liveinsight] storage process failed: ${error.message}${hint}\n`);
  process.exit(70);
});
