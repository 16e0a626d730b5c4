import type { LintContext } from '../../connectors/define.js';
import type { Issue } from '../../core/issues.js';
import { parseDuration } from '../../core/expr/index.js';
import type { TransformLintInput } from '../define.js';
import { lintExpression } from '../shared/expr-lint.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Pure checks: expressions compile, regexes compile, durations parse, min ≤ max. */
export function lintValidate(input: TransformLintInput, ctx: LintContext): Issue[] {
  const rules = input.options['rules'];
  if (!Array.isArray(rules)) return [];
  const issues: Issue[] = [];
  rules.forEach((rule: unknown, i) => {
    if (!isObj(rule)) return;
    const at = `${input.path}/rules/${i}`;
    if (typeof rule['expr'] === 'string') issues.push(...lintExpression(ctx, `${at}/expr`, rule['expr'], true));
    const regex = rule['regex'];
    if (isObj(regex) && typeof regex['pattern'] === 'string') {
      try {
        new RegExp(regex['pattern'], typeof regex['flags'] === 'string' ? regex['flags'] : '');
      } catch (err) {
        issues.push(ctx.issue(`${at}/regex/pattern`, 'E_REGEX', `invalid regex: ${(err as Error).message}`));
      }
    }
    const fresh = rule['freshness'];
    if (isObj(fresh) && typeof fresh['max_age'] === 'string' && parseDuration(fresh['max_age']) === undefined) {
      issues.push(ctx.issue(`${at}/freshness/max_age`, 'E_DURATION', `invalid duration \`${fresh['max_age']}\``, "use ISO-8601 like 'PT24H', 'P1D', 'PT30M' (no months or years)"));
    }
    for (const kind of ['range', 'length', 'row_count']) {
      const r = rule[kind];
      if (isObj(r) && typeof r['min'] === 'number' && typeof r['max'] === 'number' && r['min'] > r['max']) {
        issues.push(ctx.issue(`${at}/${kind}`, 'E_RANGE', `${kind}: min (${r['min']}) is greater than max (${r['max']})`));
      }
    }
  });
  return issues;
}
