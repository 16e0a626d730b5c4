import type { EtlError } from '../../core/errors.js';
import type { RetryPolicy } from '../../core/engine/retry-policy.js';
import type { Issue } from '../../core/issues.js';
import type { CheckContext } from '../define.js';
import type { TargetInfo } from '../postgres/catalog.js';
import { hasUniqueKey } from '../postgres/catalog.js';

/** validate --connections logs in once: the first error is the answer. */
export const NO_RETRY: RetryPolicy = { attempts: 1, initial_secs: 0, max_secs: 0, jitter: 0 };

/**
 * Runs a read-only probe and turns its failure into one issue at the stage (used by the SQL
 * connectors' check functions). `wrap` makes the connector's error (code, message, hint).
 */
export async function probeIssues(ctx: CheckContext, prefix: string, wrap: (err: unknown) => Error, probe: () => Promise<readonly Issue[] | void>): Promise<readonly Issue[]> {
  try {
    return (await probe()) ?? [];
  } catch (err) {
    const e = wrap(err) as Partial<EtlError> & Error;
    return [ctx.issue(ctx.path, e.code ?? prefix, e.message, e.hint)];
  }
}

export interface SinkCheckOptions {
  readonly create_table?: boolean;
  readonly mode?: string;
  /** key columns as the database names them. */
  readonly key?: readonly string[];
}

/** The target exists or may be created; an upsert target has a unique key on `key`. */
export function sinkTargetIssues(ctx: CheckContext, prefix: string, target: string, info: TargetInfo, o: SinkCheckOptions): Issue[] {
  if (!info.exists && o.create_table === false) {
    return [ctx.issue(`${ctx.path}/table`, `${prefix}_NO_TABLE`, `table ${target} does not exist`, 'create it first, or set `create_table: true`')];
  }
  if (info.exists && o.mode === 'upsert' && o.key && !hasUniqueKey(info, o.key)) {
    return [ctx.issue(`${ctx.path}/key`, `${prefix}_NO_UNIQUE_KEY`, `table ${target} has no primary key or unique index on (${o.key.join(', ')})`, 'add a primary key or unique index on the key columns')];
  }
  return [];
}
