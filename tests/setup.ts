// Loaded by .mocharc.json before every test file.
import { redirectRequestLines } from "../functions/shared/logger";

// The AWS SDK warns once per process that Node 20 support ends in 2027; local mode and tests run
// on Node 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

// The handlers write one JSON line per request to stdout; in tests those lines would bury the
// report. Tests that check them capture them (tests/support/captured-logs.ts) or pass their own
// sink. LIVEINSIGHT_TEST_LOGS=1 shows them when debugging.
if (process.env.LIVEINSIGHT_TEST_LOGS !== "1") redirectRequestLines(() => undefined);
