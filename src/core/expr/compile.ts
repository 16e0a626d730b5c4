import type { ColumnType, Value } from '../records/types.js';
import type { CallNode, CaseNode, Node } from './ast.js';
import { binary, between, inList, like, numericMode, type Eval, type Typed } from './compile-ops.js';
import { didYouMean, ExpressionSyntaxError } from './errors.js';
import { FUNCTIONS } from './functions/index.js';
import { DATE_UNITS, dateUnit } from './temporal.js';
import { NUMERIC_TYPES, type ExprEnv, type StaticType } from './types.js';
import { compareValues, negate, toCondition } from './values.js';

export interface CompilerOptions {
  /** known column names: unknown names become errors with a suggestion. */
  readonly columns?: readonly string[];
  /** known column types: operators are specialised (decimal, instant comparison) and typed. */
  readonly types?: Readonly<Record<string, ColumnType>>;
  readonly env: ExprEnv;
}

const NOT_NUMERIC: ReadonlySet<StaticType> = new Set(['boolean', 'date', 'timestamp', 'json', 'binary']);

/** Turns an AST into nested closures once; evaluation never looks at the AST again. */
export class Compiler {
  readonly referenced = new Set<string>();
  private readonly columns?: ReadonlySet<string>;

  constructor(private readonly source: string, private readonly options: CompilerOptions) {
    if (options.columns) this.columns = new Set(options.columns);
  }

  compile(node: Node): Typed {
    switch (node.kind) {
      case 'literal': {
        const value = node.value;
        return { fn: () => value, type: node.type, constant: { value } };
      }
      case 'column': return this.column(node.name, node.start, node.quoted);
      case 'unary': return this.unary(node.op, this.compile(node.operand), node.start);
      case 'binary': {
        const left = this.compile(node.left);
        const right = this.compile(node.right);
        if (['+', '-', '*', '/', '%'].includes(node.op)) {
          this.numeric(left.type, node.left.start, node.op);
          this.numeric(right.type, node.right.start, node.op);
        }
        return binary(node.op, left, right);
      }
      case 'in': return inList(this.compile(node.operand), node.list.map((n) => this.compile(n)), node.negated);
      case 'between': return between(this.compile(node.operand), this.compile(node.low), this.compile(node.high), node.negated);
      case 'like': return like(this.compile(node.operand), this.compile(node.pattern), node.negated, node.caseInsensitive);
      case 'is_null': {
        const v = this.compile(node.operand).fn;
        const negated = node.negated;
        return { fn: (row) => (v(row) === null) !== negated, type: 'boolean' };
      }
      case 'call': return this.call(node);
      case 'case': return this.caseExpr(node);
    }
  }

  private fail(offset: number, message: string, hint?: string): never {
    throw new ExpressionSyntaxError(this.source, offset, message, hint);
  }

  private numeric(type: StaticType, offset: number, op: string): void {
    if (NOT_NUMERIC.has(type)) {
      const hint = type === 'date' || type === 'timestamp' ? "use date_add(ts, n, 'day') or date_diff('day', a, b)" : undefined;
      this.fail(offset, `operator ${op} needs numbers, this is a ${type} {at}`, hint);
    }
  }

  private column(name: string, offset: number, quoted: boolean): Typed {
    if (this.columns && !this.columns.has(name)) {
      const guess = didYouMean(name, this.columns);
      const hint = guess !== undefined ? `did you mean \`${guess}\`?` : quoted ? "strings use single quotes: 'text'" : `columns are: ${[...this.columns].slice(0, 20).join(', ')}`;
      this.fail(offset, `unknown column \`${name}\` {at}`, hint);
    }
    this.referenced.add(name);
    const types = this.options.types;
    const type: StaticType = types && Object.hasOwn(types, name) ? types[name]! : 'any';
    // Own properties only: a name can never reach a prototype, a global or the process.
    const fn: Eval = (row) => (Object.hasOwn(row, name) ? (row[name] ?? null) : null);
    return { fn, type };
  }

  private unary(op: '-' | 'not', operand: Typed, offset: number): Typed {
    const v = operand.fn;
    if (op === 'not') {
      return {
        fn: (row) => {
          const b = toCondition(v(row), 'not');
          return b === null ? null : !b;
        },
        type: 'boolean',
      };
    }
    this.numeric(operand.type, offset, '-');
    const mode = numericMode(operand.type, operand.type);
    const c = operand.constant?.value;
    if (c !== undefined && c !== null) {
      const value = negate(c, mode);
      return { fn: () => value, type: operand.type, constant: { value } };
    }
    return { fn: (row) => negate(v(row), mode), type: operand.type === 'string' ? 'decimal' : operand.type };
  }

  private call(node: CallNode): Typed {
    const def = FUNCTIONS.get(node.name.toLowerCase());
    if (!def) {
      const guess = didYouMean(node.name.toLowerCase(), FUNCTIONS.keys());
      this.fail(node.start, `unknown function \`${node.name}\` {at}`, guess ? `did you mean \`${guess}\`?` : 'see `etl-cli connectors filter` for the function list');
    }
    const n = node.args.length;
    if (n < def.min || n > def.max) {
      const want = def.min === def.max ? `${def.min}` : def.max >= 255 ? `at least ${def.min}` : `${def.min} to ${def.max}`;
      this.fail(node.start, `${def.name}() takes ${want} argument${want === '1' ? '' : 's'}, got ${n} {at}`, `usage: ${def.signature}`);
    }
    const args = node.args.map((a) => this.compile(a));
    if (def.unitArg !== undefined) this.checkUnit(args[def.unitArg], node.args[def.unitArg]!.start);
    const fns = args.map((a) => a.fn);
    const strict = def.strict !== false;
    const env = this.options.env;
    const impl = def.impl;
    const fn: Eval = (row) => {
      const values: Value[] = new Array<Value>(fns.length);
      for (let i = 0; i < fns.length; i++) {
        const v = fns[i]!(row);
        if (v === null && strict) return null;
        values[i] = v;
      }
      return impl(values, env);
    };
    return { fn, type: def.returns(args.map((a) => a.type)) };
  }

  private checkUnit(arg: Typed | undefined, offset: number): void {
    const v = arg?.constant?.value;
    if (typeof v === 'string' && dateUnit(v) === undefined) {
      this.fail(offset, `unknown date unit '${v}' {at}`, `units: ${DATE_UNITS.join(', ')}`);
    }
  }

  private caseExpr(node: CaseNode): Typed {
    const subject = node.subject ? this.compile(node.subject) : undefined;
    const branches = node.branches.map((b) => ({ when: this.compile(b.when), then: this.compile(b.then) }));
    const otherwise = node.otherwise ? this.compile(node.otherwise) : undefined;
    const whens = branches.map((b) => b.when.fn);
    const thens = branches.map((b) => b.then.fn);
    const other = otherwise?.fn;
    const s = subject?.fn;
    const fn: Eval = (row) => {
      const key = s ? s(row) : undefined;
      for (let i = 0; i < whens.length; i++) {
        const w = whens[i]!(row);
        const hit = s ? key !== null && w !== null && compareValues(key!, w) === 0 : toCondition(w, 'case when') === true;
        if (hit) return thens[i]!(row);
      }
      return other ? other(row) : null;
    };
    const types = [...branches.map((b) => b.then.type), ...(otherwise ? [otherwise.type] : [])].filter((t) => t !== 'null');
    const first = types[0] ?? 'null';
    const same = types.every((t) => t === first);
    const numeric = types.every((t) => NUMERIC_TYPES.has(t));
    return { fn, type: same ? first : numeric && !types.includes('number') ? 'decimal' : 'any' };
  }
}
