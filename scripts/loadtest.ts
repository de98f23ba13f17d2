// Entry point of `npm run loadtest`; the implementation lives in scripts/loadtest/.
import { runCli } from "../lib/cli";
import { main } from "./loadtest/main";

void runCli("loadtest", (argv) => main(argv));
