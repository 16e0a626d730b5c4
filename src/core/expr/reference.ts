import { FUNCTIONS } from './functions/index.js';
import { DIVISION_SCALE } from './decimal.js';
import { MAX_DEPTH } from './parser.js';

/**
 * The user-facing language reference (README "Expressions", `connectors filter`). The function
 * table is generated from the registry, so it cannot drift from the code.
 */
export const EXPRESSION_GRAMMAR = `Expressions (\`where:\`, \`fields:\`, \`validate\` \`expr:\`) are a small, safe language, close to
SQL. They are compiled once into closures (no \`eval\`); they can read only the current row's
own columns and the functions below: no globals, no process, no files, no network.

| write | meaning |
|---|---|
| \`42\`, \`-7\`, \`12345678901234567890\` | integers (bigint past 2^53) |
| \`12.50\`, \`.5\` | exact decimals (kept as text: \`'12.50'\`) |
| \`1e3\` | a double |
| \`'it''s'\` | text in single quotes; \`''\` is a quote (no backslash escapes) |
| \`true\`, \`false\`, \`null\` | literals (keywords are case-insensitive) |
| \`amount\`, \`customer.city\` | a column (letters, digits, \`_\`; dots for flattened names) |
| \`"order id"\` | any column name, in double quotes (\`""\` is a quote) |
| \`+ - * / %\`, unary \`-\` | arithmetic |
| \`\\|\\|\` | text concatenation (null if either side is null; \`concat()\` skips nulls) |
| \`= == != <> < <= > >=\` | comparison (\`==\` is \`=\`, \`<>\` is \`!=\`) |
| \`and or not\` | logic (SQL three-valued) |
| \`x in (a, b)\`, \`x not in (…)\` | membership |
| \`x between a and b\`, \`not between\` | inclusive range |
| \`x is null\`, \`x is not null\` | null tests |
| \`x like 'a%_'\`, \`not like\`, \`ilike\` | SQL patterns: \`%\` any run, \`_\` one character (no escape character) |
| \`a ?? b\` | \`a\` unless it is null, then \`b\` (\`coalesce(a, b)\`) |
| \`case when c then a [when …] [else b] end\` | conditional; \`case x when 1 then … end\` compares x |
| \`f(x, y)\` | a function call (below) |

Precedence, loosest first: \`or\` < \`and\` < \`not\` < comparisons / \`is\` / \`in\` / \`between\` /
\`like\` < \`??\` < \`||\` < \`+ -\` < \`* / %\` < unary \`-\`. Parentheses group.

**Nulls** follow SQL: arithmetic, comparisons and most functions give null when an input is null
(\`null = null\` is null); \`null and false\` is false, \`null or true\` is true. A filter keeps a row
only when its condition is true: null counts as false. \`is null\`, \`??\`, \`coalesce\`, \`concat\`,
\`is_null\`, \`least\`/\`greatest\` handle nulls themselves.

**Numbers are exact.** Decimal columns (and number-looking text, e.g. from CSV) use exact decimal
arithmetic: \`'1.005' * 3\` is \`'3.015'\`, \`0.1 + 0.2\` is \`'0.3'\`. + and − keep the larger scale,
× adds the scales, ÷ gives at least ${DIVISION_SCALE} decimals (more when an operand has more), rounded half
away from zero. integer ∘ integer stays an integer (bigint past 2^53) except \`/\`, which gives a
double (\`7 / 2\` = 3.5). Any double operand (a \`number\` column, \`1e3\`) makes the result a double.
integer ∘ decimal is an exact decimal.

**Comparisons** compare numbers numerically (a decimal text against a number is exact);
timestamps and dates by instant, whatever their offsets (\`'2024-01-01T01:00:00+01:00' =
'2024-01-01T00:00:00Z'\` is true; a date is midnight UTC). Two texts compare as instants when
both look like ISO dates/timestamps, otherwise by code point. Columns typed \`decimal\` compare
numerically even against each other; two untyped texts \`'10' < '9'\` compare as text.
\`=\` between a number and a non-numeric text is false; \`<\` between them is a row error.

**Conditions** accept booleans, \`'true'\`/\`'false'\` (also t/f, yes/no) texts and 1/0.

**Errors.** A syntax error, an unknown function (did you mean…?), a wrong argument count or an
unknown date unit is reported by \`validate\` at the file:line:col of the character. An unknown
column (did you mean…?) stops the run at its first batch, when the columns become known.
Row-level failures (division by zero, \`'abc' * 2\`, a bad date) reject that row with the reason;
they never stop the run. Expressions are limited to 64 KiB and ${MAX_DEPTH} levels of nesting.

**Dates and times** are ISO-8601 texts; a timestamp without offset is UTC; every part (\`year\`,
\`date\`, \`date_trunc\`) is taken in UTC; \`now()\` is the run's start time, the same for every
row. Date units: microsecond, millisecond, second, minute, hour, day, week (Monday), month,
quarter, year (plurals accepted).`;

/** The function table, one row per registered function. */
export function functionReference(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = [...FUNCTIONS.values()].map((f) => `| \`${f.signature}\` | ${cell(f.doc)} |`);
  return ['| function | what it does |', '|---|---|', ...rows].join('\n');
}

/** Grammar, semantics and functions as one markdown document. */
export function expressionReference(): string {
  return `${EXPRESSION_GRAMMAR}\n\n### Functions\n\n${functionReference()}\n`;
}
