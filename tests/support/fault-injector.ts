// The fault injector lives with the tools (the bench measures retries with it too); tests use the same one.
export * from "../../scripts/lib/fault-injector";
