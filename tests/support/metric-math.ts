/**
 * A pure evaluator of the CloudWatch metric-math subset our alarms use, and of an alarm's
 * "M out of N" rule, so a test can push real log lines through the real filter patterns and the
 * real alarm expression and see whether the alarm would fire — without AWS.
 *
 * Hand-written because no library implements CloudWatch metric math. Supported, per the CloudWatch
 * User Guide ("Metric math syntax and functions"): numbers, metric ids, + - * /, unary minus,
 * parentheses, comparisons (> < >= <= == !=, yielding 1 or 0), IF(condition, then, else),
 * where a condition is true when non-zero, and FILL(id, value) for a period without a datapoint.
 * A missing datapoint is passed as NaN; arithmetic on it stays NaN (no datapoint). Anything else throws, so a test cannot pass on an
 * expression the evaluator does not understand. Division by zero yields NaN: CloudWatch drops
 * such a datapoint, which is why our rate expressions guard the denominator with IF.
 */

type Token = { kind: "num"; value: number } | { kind: "id"; name: string } | { kind: "op"; text: string };

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(>=|<=|==|!=|[-+*/(),<>]))/y;
  let pos = 0;
  while (pos < expression.length) {
    if (/^\s*$/.test(expression.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(expression);
    if (!m) throw new Error(`Metric math syntax error at offset ${pos}: ${expression.slice(pos, pos + 20)}`);
    pos = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ kind: "num", value: Number(m[1]) });
    else if (m[2] !== undefined) tokens.push({ kind: "id", name: m[2] });
    else tokens.push({ kind: "op", text: m[3]! });
  }
  return tokens;
}

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  ">": (a, b) => a > b,
  "<": (a, b) => a < b,
  ">=": (a, b) => a >= b,
  "<=": (a, b) => a <= b,
  "==": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

class Evaluator {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly values: Readonly<Record<string, number>>,
  ) {}

  run(): number {
    const value = this.comparison();
    if (this.i !== this.tokens.length) throw new Error(`Unexpected token at ${this.i}`);
    return value;
  }

  private peekOp(): string | undefined {
    const t = this.tokens[this.i];
    return t?.kind === "op" ? t.text : undefined;
  }

  private expect(text: string): void {
    if (this.peekOp() !== text) throw new Error(`Expected "${text}" at token ${this.i}`);
    this.i++;
  }

  private comparison(): number {
    const left = this.sum();
    const op = this.peekOp();
    if (op && op in COMPARE) {
      this.i++;
      return COMPARE[op]!(left, this.sum()) ? 1 : 0;
    }
    return left;
  }

  private sum(): number {
    let value = this.product();
    for (let op = this.peekOp(); op === "+" || op === "-"; op = this.peekOp()) {
      this.i++;
      value = op === "+" ? value + this.product() : value - this.product();
    }
    return value;
  }

  private product(): number {
    let value = this.unary();
    for (let op = this.peekOp(); op === "*" || op === "/"; op = this.peekOp()) {
      this.i++;
      const right = this.unary();
      value = op === "*" ? value * right : right === 0 ? NaN : value / right;
    }
    return value;
  }

  private unary(): number {
    if (this.peekOp() === "-") {
      this.i++;
      return -this.unary();
    }
    return this.primary();
  }

  private primary(): number {
    const t = this.tokens[this.i++];
    if (!t) throw new Error("Unexpected end of expression");
    if (t.kind === "num") return t.value;
    if (t.kind === "op" && t.text === "(") {
      const value = this.comparison();
      this.expect(")");
      return value;
    }
    if (t.kind === "id" && this.peekOp() === "(") return this.call(t.name);
    if (t.kind === "id") {
      if (!(t.name in this.values)) throw new Error(`Metric id ${t.name} has no value`);
      return this.values[t.name]!;
    }
    throw new Error(`Unexpected "${t.kind === "op" ? t.text : ""}" at token ${this.i - 1}`);
  }

  private call(name: string): number {
    if (name === "FILL") {
      this.expect("(");
      const value = this.comparison();
      this.expect(",");
      const filler = this.comparison();
      this.expect(")");
      return Number.isNaN(value) ? filler : value;
    }
    if (name !== "IF") throw new Error(`Unsupported metric math function ${name}`);
    this.expect("(");
    const condition = this.comparison();
    this.expect(",");
    const then = this.comparison();
    this.expect(",");
    const otherwise = this.comparison();
    this.expect(")");
    return condition !== 0 && !Number.isNaN(condition) ? then : otherwise;
  }
}

/** The value of `expression` for one period, given each metric id's datapoint. */
export function evaluateMetricMath(expression: string, values: Readonly<Record<string, number>>): number {
  return new Evaluator(tokenize(expression), values).run();
}

export interface AlarmRule {
  readonly threshold: number;
  readonly comparisonOperator: "GreaterThanThreshold";
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/**
 * ALARM when at least M of the last N periods breach (CloudWatch User Guide, "Evaluating an
 * alarm"). `series` is one value per period, oldest first; NaN (no datapoint) never breaches,
 * which is what treatMissingData "notBreaching" means for our counts and rates.
 */
export function alarmState(rule: AlarmRule, series: readonly number[]): "ALARM" | "OK" {
  const window = series.slice(-rule.evaluationPeriods);
  const breaching = window.filter((v) => !Number.isNaN(v) && v > rule.threshold).length;
  return breaching >= rule.datapointsToAlarm ? "ALARM" : "OK";
}
