// Entry point of `npm run bench`; the implementation lives in scripts/bench/.

import { main } from "./bench/main";
import { runCli } from "./lib/cli";

void runCli("bench", main);
