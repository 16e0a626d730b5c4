import type { BinaryOp, Node } from './ast.js';
import { ExpressionSyntaxError } from './errors.js';
import { tokenize, type Token } from './lexer.js';

type NodeInput = Node extends infer N ? (N extends Node ? Omit<N, 'depth'> : never) : never;

/** Nesting deeper than this is refused with a syntax error (never a stack overflow). */
export const MAX_DEPTH = 128;

/**
 * Binding powers, loosest first (SQL order): or < and < not < comparison/is/in/between/like
 * < ?? < || < + - < * / % < unary minus.
 */
const INFIX: Record<string, number> = {
  or: 10, and: 20,
  '=': 40, '==': 40, '!=': 40, '<>': 40, '<': 40, '<=': 40, '>': 40, '>=': 40,
  is: 40, in: 40, between: 40, like: 40, ilike: 40, not: 40,
  '??': 50, '||': 60, '+': 70, '-': 70, '*': 80, '/': 80, '%': 80,
};
const NOT_BP = 30;
const UNARY_BP = 90;

const OP_NAMES: Record<string, BinaryOp> = { '==': '=', '<>': '!=' };

/** Parses an expression into an AST; throws ExpressionSyntaxError with offset/line/col. */
export function parseExpression(source: string): Node {
  return new Parser(source).parseAll();
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;
  private nesting = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parseAll(): Node {
    if (this.peek().kind === 'eof') this.fail(this.peek(), 'empty expression', 'write a condition or a value, e.g. amount > 0');
    const node = this.expr(0);
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(t, `unexpected ${show(t)} {at}, expected an operator or the end`);
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private fail(t: Token, message: string, hint?: string): never {
    throw new ExpressionSyntaxError(this.source, t.start, message, hint);
  }

  private expect(kind: Token['kind'], text: string, what: string): Token {
    const t = this.peek();
    if (t.kind !== kind || t.text !== text) this.fail(t, `unexpected ${show(t)} {at}, expected ${what}`);
    return this.next();
  }

  private isWord(t: Token, word: string): boolean {
    return t.kind === 'keyword' && t.text === word;
  }

  private make(node: NodeInput, children: readonly Node[]): Node {
    let depth = 0;
    for (const c of children) if (c.depth > depth) depth = c.depth;
    if (depth + 1 > MAX_DEPTH) this.fail(this.peek(), `expression is nested too deeply (more than ${MAX_DEPTH} levels) {at}`);
    return { ...node, depth: depth + 1 } as Node;
  }

  private expr(minBp: number): Node {
    if (++this.nesting > MAX_DEPTH) this.fail(this.peek(), `expression is nested too deeply (more than ${MAX_DEPTH} levels) {at}`);
    let left = this.prefix();
    for (;;) {
      const t = this.peek();
      const key = t.kind === 'op' || t.kind === 'keyword' ? t.text : '';
      const bp = Object.hasOwn(INFIX, key) ? INFIX[key]! : -1;
      if (bp <= minBp) break;
      left = this.infix(left, t, bp);
    }
    this.nesting--;
    return left;
  }

  private infix(left: Node, t: Token, bp: number): Node {
    if (t.kind === 'keyword' && ['is', 'in', 'between', 'like', 'ilike', 'not'].includes(t.text)) return this.predicate(left);
    this.next();
    const right = this.expr(bp);
    const op = OP_NAMES[t.text] ?? (t.text as BinaryOp);
    return this.make({ kind: 'binary', op, left, right, opAt: t.start, start: left.start, end: right.end }, [left, right]);
  }

  /** x is [not] null, x [not] in (…), x [not] between a and b, x [not] like p. */
  private predicate(left: Node): Node {
    let t = this.next();
    if (t.text === 'is') {
      const negated = this.isWord(this.peek(), 'not');
      if (negated) this.next();
      const n = this.expect('keyword', 'null', '`null` after `is`');
      return this.make({ kind: 'is_null', operand: left, negated, start: left.start, end: n.end }, [left]);
    }
    let negated = false;
    if (t.text === 'not') {
      negated = true;
      t = this.next();
      if (!(t.kind === 'keyword' && ['in', 'between', 'like', 'ilike'].includes(t.text))) {
        this.fail(t, `unexpected ${show(t)} {at}, expected in, between or like after not`);
      }
    }
    if (t.text === 'in') return this.inList(left, negated);
    if (t.text === 'between') {
      const low = this.expr(INFIX.between!);
      this.expect('keyword', 'and', '`and` in between … and …');
      const high = this.expr(INFIX.between!);
      return this.make({ kind: 'between', operand: left, low, high, negated, start: left.start, end: high.end }, [left, low, high]);
    }
    const pattern = this.expr(INFIX.like!);
    return this.make(
      { kind: 'like', operand: left, pattern, negated, caseInsensitive: t.text === 'ilike', start: left.start, end: pattern.end },
      [left, pattern],
    );
  }

  private inList(left: Node, negated: boolean): Node {
    this.expect('op', '(', '`(` after in');
    const list: Node[] = [];
    do {
      if (this.peek().kind === 'op' && this.peek().text === ')') break;
      list.push(this.expr(0));
    } while (this.peek().text === ',' && this.peek().kind === 'op' && this.next());
    const close = this.expect('op', ')', '`,` or `)` in the in (…) list');
    if (list.length === 0) this.fail(close, 'empty in () list {at}', 'list at least one value: status in (\'a\', \'b\')');
    return this.make({ kind: 'in', operand: left, list, negated, start: left.start, end: close.end }, [left, ...list]);
  }

  private prefix(): Node {
    const t = this.next();
    switch (t.kind) {
      case 'number': return this.number(t);
      case 'string': return this.make({ kind: 'literal', value: t.text, type: 'string', start: t.start, end: t.end }, []);
      case 'ident':
        if (!t.quoted && this.peek().kind === 'op' && this.peek().text === '(') return this.call(t);
        return this.make({ kind: 'column', name: t.text, quoted: t.quoted === true, start: t.start, end: t.end }, []);
      case 'keyword': return this.keywordPrefix(t);
      case 'op':
        if (t.text === '(') {
          const inner = this.expr(0);
          this.expect('op', ')', '`)`');
          return inner;
        }
        if (t.text === '-' || t.text === '+') {
          const operand = this.expr(UNARY_BP);
          if (t.text === '+') return operand;
          return this.make({ kind: 'unary', op: '-', operand, start: t.start, end: operand.end }, [operand]);
        }
        return this.fail(t, `unexpected ${show(t)} {at}, expected an expression`);
      default:
        return this.fail(t, `unexpected end of expression {at}, expected an expression`);
    }
  }

  private keywordPrefix(t: Token): Node {
    switch (t.text) {
      case 'true':
      case 'false':
        return this.make({ kind: 'literal', value: t.text === 'true', type: 'boolean', start: t.start, end: t.end }, []);
      case 'null':
        return this.make({ kind: 'literal', value: null, type: 'null', start: t.start, end: t.end }, []);
      case 'not': {
        const operand = this.expr(NOT_BP);
        return this.make({ kind: 'unary', op: 'not', operand, start: t.start, end: operand.end }, [operand]);
      }
      case 'case':
        return this.caseExpr(t);
      default:
        return this.fail(t, `unexpected ${show(t)} {at}, expected an expression`, `a column named ${t.text} must be quoted: "${t.text}"`);
    }
  }

  private number(t: Token): Node {
    const text = t.text;
    if (/^\d+$/.test(text)) {
      const big = BigInt(text);
      const value = big <= 9007199254740991n ? Number(big) : big;
      return this.make({ kind: 'literal', value, type: 'integer', start: t.start, end: t.end }, []);
    }
    if (/[eE]/.test(text)) return this.make({ kind: 'literal', value: Number(text), type: 'number', start: t.start, end: t.end }, []);
    const value = text.startsWith('.') ? `0${text}` : text;
    return this.make({ kind: 'literal', value, type: 'decimal', start: t.start, end: t.end }, []);
  }

  private call(name: Token): Node {
    this.next(); // (
    const args: Node[] = [];
    if (!(this.peek().kind === 'op' && this.peek().text === ')')) {
      args.push(this.expr(0));
      while (this.peek().kind === 'op' && this.peek().text === ',') {
        this.next();
        args.push(this.expr(0));
      }
    }
    const close = this.expect('op', ')', '`,` or `)` after a function argument');
    return this.make({ kind: 'call', name: name.text, args, start: name.start, end: close.end }, args);
  }

  private caseExpr(t: Token): Node {
    if (this.isWord(this.peek(), 'end')) this.fail(this.peek(), 'unexpected `end` {at}, expected `when`');
    const subject = this.isWord(this.peek(), 'when') ? undefined : this.expr(0);
    const branches: { when: Node; then: Node }[] = [];
    while (this.isWord(this.peek(), 'when')) {
      this.next();
      const when = this.expr(0);
      this.expect('keyword', 'then', '`then`');
      branches.push({ when, then: this.expr(0) });
    }
    if (branches.length === 0) this.fail(this.peek(), `unexpected ${show(this.peek())} {at}, expected \`when\``);
    let otherwise: Node | undefined;
    if (this.isWord(this.peek(), 'else')) {
      this.next();
      otherwise = this.expr(0);
    }
    const end = this.expect('keyword', 'end', '`when`, `else` or `end`');
    const children = [...(subject ? [subject] : []), ...branches.flatMap((b) => [b.when, b.then]), ...(otherwise ? [otherwise] : [])];
    const node: Record<string, unknown> = { kind: 'case', branches, start: t.start, end: end.end };
    if (subject) node.subject = subject;
    if (otherwise) node.otherwise = otherwise;
    return this.make(node as unknown as NodeInput, children);
  }
}

function show(t: Token): string {
  if (t.kind === 'eof') return 'end of expression';
  if (t.kind === 'string') return 'string';
  return `\`${t.text}\``;
}
