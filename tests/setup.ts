// Loaded by .mocharc.json before every test file. The AWS SDK warns once per process that
// Node 20 support ends in 2027; local mode and tests run on Node 20 on purpose.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
