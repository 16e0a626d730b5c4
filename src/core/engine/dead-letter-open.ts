import { resolve } from 'node:path';
import type { DeadLetterStoreContext, PipelineInfo } from '../../connectors/define.js';
import { RunError } from '../errors.js';
import type { DeadLetterTablePlan, Plan } from '../plan/types.js';
import { pipelineInfo, resolveTemplate } from './context.js';
import { DeadLetterWriter } from './dead-letter.js';
import { DeadLetterTable } from './dead-letter-table.js';
import type { DeadLetterCursor, DeadLetterRow, DeadLetterStore, DeadLetterTarget } from './dead-letter-target.js';

/** 'table etl_rejects (connection warehouse)': summaries, dry-run, hints. */
export function describeDeadLetterTable(t: DeadLetterTablePlan): string {
  return `table ${t.table} (connection ${t.connection.name})`;
}

/** Where this run's rejects go, for dry-run and reports: the file path (templates filled) or the table. */
export function deadLetterDescription(plan: Plan, info: PipelineInfo): string | undefined {
  const { dead_letter, dead_letter_table } = plan.errors;
  if (dead_letter_table) return describeDeadLetterTable(dead_letter_table);
  return dead_letter === undefined ? undefined : resolve(plan.dir, resolveTemplate(dead_letter, info));
}

/**
 * The run's dead-letter target: the NDJSON file or the table, undefined when rejects are only
 * counted. `onError` gets a failure writing the table during the run (the run aborts with it).
 */
export function openDeadLetterTarget(plan: Plan, info: PipelineInfo, onError: (err: RunError) => void): DeadLetterTarget | undefined {
  const table = plan.errors.dead_letter_table;
  if (!table) {
    const path = deadLetterDescription(plan, info);
    return path === undefined ? undefined : new DeadLetterWriter(path, info.run_id);
  }
  // its own signal: the rejects are still written after the run was aborted by a failure
  const ctx = { signal: new AbortController().signal, pipeline: info, retry: plan.retry };
  return new DeadLetterTable({
    run_id: info.run_id, pipeline: plan.name, description: describeDeadLetterTable(table), onError,
    open: () => openDeadLetterStore(table, ctx),
  });
}

/** Opens the table store through the connection's connector. */
export async function openDeadLetterStore(t: DeadLetterTablePlan, ctx: Omit<DeadLetterStoreContext, 'table'>): Promise<DeadLetterStore> {
  const rt = await t.definition.load();
  if (!rt.deadLetterStore) {
    throw new RunError('E_DEAD_LETTER_UNSUPPORTED', `connection ${t.connection.name} (${t.connection.type}) cannot hold a dead-letter table`, {
      hint: 'use a postgres, sqlite or mysql connection for `errors.dead_letter.connection`, or a file path',
    });
  }
  return rt.deadLetterStore({ ...t.connection.options }, { ...ctx, table: t.table });
}

/** Every row one run left in the pipeline's dead-letter table, in (stage, seq) order, a page at a time. */
export async function* readDeadLetterRun(plan: Plan, run_id: string, signal: AbortSignal, pageSize = 1000): AsyncGenerator<DeadLetterRow> {
  const table = plan.errors.dead_letter_table;
  if (!table) throw new RunError('E_DEAD_LETTER', `${plan.name} keeps its rejects in no table`, { hint: 'errors.dead_letter is not `{ connection, table }`' });
  const store = await openDeadLetterStore(table, { signal, pipeline: pipelineInfo(plan, run_id, new Date().toISOString()), retry: plan.retry });
  try {
    let after: DeadLetterCursor | undefined;
    for (;;) {
      const rows = await store.read(plan.name, run_id, after, pageSize);
      yield* rows;
      const last = rows[rows.length - 1];
      if (!last || rows.length < pageSize) return;
      after = { stage: last.stage, seq: last.seq };
    }
  } finally {
    await store.close();
  }
}
