/**
 * A small evaluator of CloudWatch Logs JSON filter patterns and metric transformations, so tests
 * can prove that a metric filter counts exactly the log lines it should without calling AWS.
 *
 * Supported (the subset our filters use, plus the common neighbours):
 *   { <expr> }  where <expr> is built from comparisons joined by `&&` / `||` and parentheses;
 *   comparison := <selector> (= | != | < | <= | > | >=) <value>
 *              |  <selector> IS TRUE | IS FALSE | IS NULL  |  <selector> NOT EXISTS
 *   selector   := $.a.b[0].c        value := "quoted string" | number | bare word | *
 * Semantics, chosen to be conservative where AWS's documentation is silent (so a test passes only
 * when CloudWatch would certainly match):
 *   - only a log event that is a whole JSON object can match (no text prefix);
 *   - a missing field fails every comparison, `!=` included; `NOT EXISTS` is the way to test it;
 *   - `= *` (quoted or bare) matches any present value; `*` inside a string is a wildcard;
 *   - a number literal compares only with a JSON number, a string only with a JSON string;
 *   - `&&` binds tighter than `||`.
 * Unsupported syntax (regex `%…%`, text/space-delimited patterns) throws, so a test cannot
 * silently pass on a pattern the evaluator does not understand.
 */

type Operator = "=" | "!=" | "<" | "<=" | ">" | ">=";
type Literal = { kind: "string"; value: string } | { kind: "number"; value: number } | { kind: "any" };

export type FilterExpr =
  | { kind: "and" | "or"; left: FilterExpr; right: FilterExpr }
  | { kind: "compare"; path: PathStep[]; op: Operator; literal: Literal }
  | { kind: "is"; path: PathStep[]; test: "TRUE" | "FALSE" | "NULL" | "NOT EXISTS" };

type PathStep = string | number;
type Token = { type: "punct" | "op" | "selector" | "string" | "word"; text: string };

const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
const MISSING = Symbol("missing");

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(&&|\|\|)|(!=|<=|>=|=|<|>)|([{}()])|("(?:[^"\\]|\\.)*")|(\$[^\s(){}=!<>&|]*)|([^\s(){}=!<>&|"]+))/y;
  let pos = 0;
  while (pos < source.length) {
    if (/^\s*$/.test(source.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(source);
    if (!m) throw new Error(`Filter pattern syntax error at offset ${pos}: ${source.slice(pos, pos + 20)}`);
    pos = re.lastIndex;
    if (m[1] || m[3]) tokens.push({ type: "punct", text: (m[1] ?? m[3]) as string });
    else if (m[2]) tokens.push({ type: "op", text: m[2] });
    else if (m[4]) tokens.push({ type: "string", text: JSON.parse(m[4]) as string });
    else if (m[5]) tokens.push({ type: "selector", text: m[5] });
    else tokens.push({ type: "word", text: m[6] as string });
  }
  return tokens;
}

function parsePath(selector: string): PathStep[] {
  const steps: PathStep[] = [];
  const re = /\.([A-Za-z0-9_@-]+)|\[(\d+)\]/y;
  let pos = 1;
  while (pos < selector.length) {
    re.lastIndex = pos;
    const m = re.exec(selector);
    if (!m) throw new Error(`Unsupported property selector ${selector}`);
    steps.push(m[1] !== undefined ? m[1] : Number(m[2]));
    pos = re.lastIndex;
  }
  if (steps.length === 0) throw new Error(`Property selector ${selector} names no field`);
  return steps;
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  parsePattern(): FilterExpr {
    this.expect("{");
    const expr = this.parseOr();
    this.expect("}");
    if (this.index !== this.tokens.length) throw new Error(`Unexpected ${this.peek()?.text} after closing brace`);
    return expr;
  }

  private parseOr(): FilterExpr {
    let left = this.parseAnd();
    while (this.peek()?.text === "||") {
      this.index++;
      left = { kind: "or", left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterExpr {
    let left = this.parsePrimary();
    while (this.peek()?.text === "&&") {
      this.index++;
      left = { kind: "and", left, right: this.parsePrimary() };
    }
    return left;
  }

  private parsePrimary(): FilterExpr {
    if (this.peek()?.text === "(") {
      this.index++;
      const inner = this.parseOr();
      this.expect(")");
      return inner;
    }
    const selector = this.next();
    if (selector.type !== "selector") throw new Error(`Expected a $. selector, got ${selector.text}`);
    const path = parsePath(selector.text);
    const op = this.next();
    if (op.type === "word") return { kind: "is", path, test: this.parseIsTest(op.text) };
    if (op.type !== "op") throw new Error(`Expected an operator after ${selector.text}, got ${op.text}`);
    return { kind: "compare", path, op: op.text as Operator, literal: this.parseLiteral(op.text as Operator) };
  }

  private parseIsTest(keyword: string): "TRUE" | "FALSE" | "NULL" | "NOT EXISTS" {
    const word = this.next().text.toUpperCase();
    if (keyword.toUpperCase() === "IS" && (word === "TRUE" || word === "FALSE" || word === "NULL")) return word;
    if (keyword.toUpperCase() === "NOT" && word === "EXISTS") return "NOT EXISTS";
    throw new Error(`Unsupported test "${keyword} ${word}"`);
  }

  private parseLiteral(op: Operator): Literal {
    const token = this.next();
    if (token.type !== "string" && token.type !== "word") throw new Error(`Expected a value after ${op}`);
    if (token.text.startsWith("%")) throw new Error("Regular-expression values (%…%) are not supported");
    const literal: Literal =
      token.text === "*"
        ? { kind: "any" }
        : token.type === "word" && NUMBER.test(token.text)
          ? { kind: "number", value: Number(token.text) }
          : { kind: "string", value: token.text };
    if (op !== "=" && op !== "!=" && literal.kind !== "number") {
      throw new Error(`Operator ${op} needs a number, got ${token.text}`);
    }
    return literal;
  }

  private peek(): Token | undefined {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index++];
    if (!token) throw new Error("Filter pattern ended unexpectedly");
    return token;
  }

  private expect(text: string): void {
    const token = this.next();
    if (token.text !== text || token.type !== "punct") throw new Error(`Expected "${text}", got "${token.text}"`);
  }
}

/** Parses a JSON filter pattern; throws on syntax the evaluator does not support. */
export function parseFilterPattern(pattern: string): FilterExpr {
  return new Parser(tokenize(pattern)).parsePattern();
}

function lookup(event: unknown, path: PathStep[]): unknown {
  let current: unknown = event;
  for (const step of path) {
    if (current === null || typeof current !== "object") return MISSING;
    const container = current as Record<string | number, unknown>;
    if (!Object.hasOwn(container, step)) return MISSING;
    current = container[step];
  }
  return current;
}

function globMatches(glob: string, text: string): boolean {
  const escaped = glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`, "s").test(text);
}

function compare(actual: unknown, op: Operator, literal: Literal): boolean {
  if (actual === MISSING) return false;
  if (literal.kind === "any") return op === "=";
  if (literal.kind === "string") {
    if (typeof actual !== "string") return false;
    return globMatches(literal.value, actual) === (op === "=");
  }
  if (typeof actual !== "number") return false;
  const v = literal.value;
  switch (op) {
    case "=":
      return actual === v;
    case "!=":
      return actual !== v;
    case "<":
      return actual < v;
    case "<=":
      return actual <= v;
    case ">":
      return actual > v;
    case ">=":
      return actual >= v;
  }
}

function evaluate(expr: FilterExpr, event: unknown): boolean {
  switch (expr.kind) {
    case "and":
      return evaluate(expr.left, event) && evaluate(expr.right, event);
    case "or":
      return evaluate(expr.left, event) || evaluate(expr.right, event);
    case "compare":
      return compare(lookup(event, expr.path), expr.op, expr.literal);
    case "is": {
      const actual = lookup(event, expr.path);
      if (expr.test === "NOT EXISTS") return actual === MISSING;
      return actual === { TRUE: true, FALSE: false, NULL: null }[expr.test];
    }
  }
}

function parseEvent(line: string): unknown {
  try {
    const parsed: unknown = JSON.parse(line);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : MISSING;
  } catch {
    return MISSING;
  }
}

/** True when the log event (one line as CloudWatch stores it) matches the JSON filter pattern. */
export function matchesFilterPattern(pattern: string, line: string): boolean {
  const expr = parseFilterPattern(pattern);
  const event = parseEvent(line);
  return event !== MISSING && evaluate(expr, event);
}

/**
 * The value a metric transformation publishes for a matching event: a numeric literal ("1"), or
 * the number at a `$.` selector. Undefined when the selector is missing or not a JSON number,
 * in which case CloudWatch publishes nothing for the event.
 */
export function extractMetricValue(valueSpec: string, line: string): number | undefined {
  if (NUMBER.test(valueSpec)) return Number(valueSpec);
  if (!valueSpec.startsWith("$")) throw new Error(`Metric value must be a number or a $. selector; got ${valueSpec}`);
  const actual = lookup(parseEvent(line), parsePath(valueSpec));
  return typeof actual === "number" && Number.isFinite(actual) ? actual : undefined;
}

export interface MetricTransformationSpec {
  readonly pattern: string;
  readonly value: string;
  /** Dimension name → `$.` selector, as in a metric filter's metricTransformation.dimensions. */
  readonly dimensions?: Readonly<Record<string, string>>;
}

export interface MetricFilterResult {
  readonly matched: boolean;
  /** Set only when a datapoint would be published (matched, numeric value, every dimension found). */
  readonly value?: number;
  readonly dimensions?: Record<string, string>;
}

/** Runs one metric filter over one log line: does it match, and what datapoint would it publish? */
export function evaluateMetricFilter(filter: MetricTransformationSpec, line: string): MetricFilterResult {
  if (!matchesFilterPattern(filter.pattern, line)) return { matched: false };
  const value = extractMetricValue(filter.value, line);
  const dimensions: Record<string, string> = {};
  for (const [name, selector] of Object.entries(filter.dimensions ?? {})) {
    const found = lookup(parseEvent(line), parsePath(selector));
    if (typeof found !== "string" && typeof found !== "number") return { matched: true };
    dimensions[name] = String(found);
  }
  return value === undefined ? { matched: true } : { matched: true, value, dimensions };
}
