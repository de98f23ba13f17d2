// In-memory dynalite lives with the tools (the bench runs on it too); tests use the same one.
export { startDynamo, type InMemoryDynamo as TestDynamo } from "../../scripts/lib/dynalite-memory";
