// Entry point of `npm run bench`; the implementation lives in scripts/bench/.
import { main } from "./bench/main";

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error("bench: failed:", error);
    process.exitCode = 1;
  },
);
