/**
 * The function's configuration, read and checked once per container: the contract itself (names,
 * readers, no defaults) lives in contracts/function-env.ts, shared with the stack that writes it.
 */
export { ConfigError, type FunctionEnv, readFunctionEnv as readEnv } from "../../contracts/function-env";
