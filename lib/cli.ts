// The one command-line helper every tool uses: node:util parseArgs in strict mode, `--help` on every
// command, unknown flags and bad values rejected with one sentence and exit 2, never a stack trace.
import { type ParseArgsConfig, parseArgs } from "node:util";

export class UsageError extends Error {
  readonly name = "UsageError";
}

export type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;
export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

export type Parsed = { help: true } | { help: false; values: Values; positionals: string[] };

/** Parses argv against `options` (plus --help/-h); unknown flags, missing values and stray words are UsageErrors. */
export function parseCommandLine(argv: readonly string[], options: OptionSpecs, allowPositionals = false): Parsed {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals,
    });
  } catch (error) {
    throw new UsageError(explainParseError(error as NodeJS.ErrnoException));
  }
  if (parsed.values.help) return { help: true };
  return { help: false, values: parsed.values as Values, positionals: parsed.positionals };
}

// parseArgs' own messages suggest `--` tricks that never apply to these tools; say what to do instead.
function explainParseError(error: NodeJS.ErrnoException): string {
  const flag = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1] ?? "";
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return `Unknown option ${flag}. Run with --help for the list of options.`;
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return `Unexpected argument ${/'([^']*)'/.exec(error.message)?.[1] ?? ""}. Options start with --; run with --help for the list.`;
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      // "argument missing" (nothing follows) or "ambiguous" (another --flag follows): no value either way.
      return /argument missing|ambiguous/.test(error.message)
        ? `${flag.split(" ")[0]} needs a value.`
        : `${flag} is a flag and takes no value.`;
    default:
      return error.message;
  }
}

export function stringOption(values: Values, name: string): string | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "") throw new UsageError(`--${name} needs a non-empty value.`);
  return value;
}

type NumberRange = { min: number; max: number; integer?: boolean };

/** `--name` as a number within `range`; `fallback` (or undefined) when it is not given. */
export function numberOption<F extends number | undefined = undefined>(
  values: Values,
  name: string,
  range: NumberRange,
  fallback?: F,
): number | F {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback as F;
  const value = Number(raw);
  if (!Number.isFinite(value) || (range.integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be ${range.integer ? "an integer" : "a number"}; got "${raw}".`);
  }
  if (value < range.min || value > range.max) throw new UsageError(`--${name} must be between ${range.min} and ${range.max}; got ${raw}.`);
  return value;
}

export function urlOption(values: Values, name: string, example: string): string | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--${name} must be an absolute http(s) URL such as ${example}; got "${raw}".`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`--${name} must use http or https; got "${url.protocol}" in "${raw}".`);
  return raw;
}

/**
 * Runs a tool's main and maps the outcome to an exit code: its own code, 2 with one sentence for a
 * UsageError, 1 with `<tool>: <message>` for anything else (the stack only with DEBUG=1).
 */
export function runCli(tool: string, main: (argv: string[]) => Promise<number>, argv = process.argv.slice(2)): Promise<void> {
  // The AWS SDK warns about Node 20 in every process that makes a client; the tools and local
  // mode support Node 20 on purpose, so that warning would only bury their own output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // A reader that stops early (`--help | head`) closes the pipe: the output ends there, as with any
  // Unix tool, instead of Node's unhandled EPIPE trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      process.exit(process.exitCode ?? 0);
    });
  }
  return main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const err = error instanceof Error ? error : new Error(String(error));
      const usage = error instanceof UsageError;
      process.stderr.write(`${tool}: ${process.env.DEBUG && !usage ? err.stack : err.message}\n`);
      process.exitCode = usage ? 2 : 1;
    },
  );
}
