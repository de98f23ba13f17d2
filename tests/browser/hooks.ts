/**
 * Imported by every browser test file: registers root-level hooks once (the module is cached),
 * so one local API and dynalite serve all files — the collector reads its env once per process.
 */
import { harness } from "./harness";

before(async function () {
  this.timeout(60_000);
  await harness.start();
});

after(async function () {
  this.timeout(30_000);
  await harness.close();
});
