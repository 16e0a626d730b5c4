/** The expression AST. `start`/`end` are 0-based offsets into the source text. */
export type Node =
  | LiteralNode
  | ColumnNode
  | UnaryNode
  | BinaryNode
  | InNode
  | BetweenNode
  | LikeNode
  | IsNullNode
  | CallNode
  | CaseNode;

interface Base {
  readonly start: number;
  readonly end: number;
  /** nesting depth, bounded by the parser (no stack overflow on hostile input). */
  readonly depth: number;
}

export interface LiteralNode extends Base {
  readonly kind: 'literal';
  /** numbers: integer → number|bigint, 1.5 → decimal text '1.5', 1e3 → number. */
  readonly value: null | string | number | bigint | boolean;
  readonly type: 'null' | 'string' | 'integer' | 'decimal' | 'number' | 'boolean';
}

export interface ColumnNode extends Base {
  readonly kind: 'column';
  readonly name: string;
  readonly quoted: boolean;
}

export interface UnaryNode extends Base {
  readonly kind: 'unary';
  readonly op: '-' | 'not';
  readonly operand: Node;
}

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '||' | '??'
  | '=' | '!=' | '<' | '<=' | '>' | '>='
  | 'and' | 'or';

export interface BinaryNode extends Base {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Node;
  readonly right: Node;
  /** offset of the operator token, for error messages. */
  readonly opAt: number;
}

export interface InNode extends Base {
  readonly kind: 'in';
  readonly operand: Node;
  readonly list: readonly Node[];
  readonly negated: boolean;
}

export interface BetweenNode extends Base {
  readonly kind: 'between';
  readonly operand: Node;
  readonly low: Node;
  readonly high: Node;
  readonly negated: boolean;
}

export interface LikeNode extends Base {
  readonly kind: 'like';
  readonly operand: Node;
  readonly pattern: Node;
  readonly negated: boolean;
  readonly caseInsensitive: boolean;
}

export interface IsNullNode extends Base {
  readonly kind: 'is_null';
  readonly operand: Node;
  readonly negated: boolean;
}

export interface CallNode extends Base {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly Node[];
}

export interface CaseNode extends Base {
  readonly kind: 'case';
  /** `case x when 1 then …` compares x with each `when`; absent for `case when cond then …`. */
  readonly subject?: Node;
  readonly branches: readonly { readonly when: Node; readonly then: Node }[];
  readonly otherwise?: Node;
}
