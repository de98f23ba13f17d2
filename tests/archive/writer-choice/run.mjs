import { buildSync } from "esbuild";
import { makeRows } from "./rows.mjs";

const which = process.argv[2];
const { encode } = await import(`./${which}.mjs`);
const rows = makeRows(10000);
await encode(rows.slice(0, 1000));
const runs = [];
let bytes = 0;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const out = await encode(rows);
  runs.push(performance.now() - t0);
  bytes = out.length;
}
runs.sort((a, b) => a - b);
const b = buildSync({
  entryPoints: [`./${which}.mjs`],
  bundle: true,
  minify: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  write: false,
  logLevel: "silent",
  mainFields: ["module", "main"],
});
console.log(
  JSON.stringify({
    writer: which,
    rows: rows.length,
    medianMs: +runs[2].toFixed(1),
    eventsPerSec: Math.round((rows.length / runs[2]) * 1000),
    fileBytes: bytes,
    bytesPerEvent: +(bytes / rows.length).toFixed(1),
    bundleBytes: b.outputFiles[0].contents.length,
  }),
);
