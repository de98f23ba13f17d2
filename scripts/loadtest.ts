// Entry point of `npm run loadtest`; the implementation lives in scripts/loadtest/.
import { main } from "./loadtest/main";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error("loadtest: unexpected failure:", error);
    process.exitCode = 3; // neither "SLO missed" (1) nor "usage error" (2)
  },
);
