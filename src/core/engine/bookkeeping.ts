import type { Plan } from '../plan/types.js';
import { appendHistory } from '../state/index.js';
import type { EventSink } from '../events.js';
import { toEtlError } from './stream.js';
import type { RunReport } from './types.js';

/** History line and lock release: failures here must not hide the run's own outcome. */
export async function finishBookkeeping(plan: Plan, report: RunReport, events: EventSink, release: () => Promise<void>): Promise<void> {
  try {
    await appendHistory(plan, {
      run_id: report.run_id,
      pipeline: report.pipeline,
      status: report.status,
      started_at: report.started_at,
      finished_at: report.finished_at,
      ms: report.ms,
      rows_read: report.rows_read,
      rows_written: report.rows_written,
      rows_rejected: report.rows_rejected,
      exit_code: report.exit_code,
      ...(report.watermark ? { watermark: report.watermark } : {}),
      ...(report.streams ? { streams: report.streams.map(({ stream, status, rows_read, rows_written, watermark }) => ({ stream, status, rows_read, rows_written, ...(watermark ? { watermark } : {}) })) } : {}),
      ...(report.error ? { error: report.error } : {}),
    });
  } catch (err) {
    events({ type: 'warning', message: `cannot append run history: ${toEtlError(err).message}` });
  }
  try {
    await release();
  } catch (err) {
    events({ type: 'warning', message: `cannot release the lock: ${toEtlError(err).message}` });
  }
}
