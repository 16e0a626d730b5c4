import { beforeAll, describe, expect, it } from 'vitest';
import type { SinkRuntime, SourceRuntime } from '../../src/connectors/define.js';
import { InterruptedError } from '../../src/core/errors.js';
import type { RecordSchema, Row } from '../../src/core/records/types.js';
import { collectBatches } from '../../src/testing/context.js';
import { batchesOf, load, myContext, runtimes, uniqueName } from './helpers.js';

let sink: SinkRuntime;
let source: SourceRuntime;
const events: RecordSchema = { columns: [{ name: 'id', type: 'integer' }, { name: 'updated_at', type: 'timestamp' }] };
const table = uniqueName('events');

beforeAll(async () => {
  ({ sink, source } = await runtimes());
  const rows: Row[] = Array.from({ length: 5000 }, (_, i) => ({ id: i + 1, updated_at: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString().replace('.000Z', '.000001Z') }));
  await load(sink, { table, mode: 'upsert', key: ['id'] }, events, batchesOf(events, rows));
});

describe('mysql source', () => {
  it('reads an incremental window with bound, UTC-normalised bounds, ordered by the column', async () => {
    const ctx = myContext({ incremental: { column: 'updated_at', after: '2024-01-01T03:00:00.000001+01:00', until: '2024-01-01T02:10:00.000001Z' } });
    const desc = await source.describe!({ table }, ctx);
    expect(desc.statements).toEqual([`SELECT * FROM (SELECT * FROM \`${table}\`) AS src WHERE src.\`updated_at\` > ? AND src.\`updated_at\` <= ? ORDER BY src.\`updated_at\``]);
    const { rows } = await collectBatches(source.read({ table }, ctx));
    // after 02:00:00.000001 UTC (id 121) up to 02:10:00.000001 (id 131)
    expect(rows.map((r) => r.id)).toEqual([122, 123, 124, 125, 126, 127, 128, 129, 130, 131]);
    expect(rows[0]!.updated_at).toBe('2024-01-01T02:01:00.000001');
  });

  it('streams in batches of batch_size and stops at --limit', async () => {
    const { batches, rows } = await collectBatches(source.read({ table }, myContext({ batch_size: 1200 })));
    expect(rows.length).toBe(5000);
    expect(batches.map((b) => b.rows.length)).toEqual([1200, 1200, 1200, 1200, 200]);
    const limited = await collectBatches(source.read({ table }, myContext({ batch_size: 1000, limit: 1500 })));
    expect(limited.rows.length).toBe(1500);
  });

  it('binds query params and reports the schema of an empty result', async () => {
    const { rows } = await collectBatches(source.read({ query: `SELECT id FROM \`${table}\` WHERE id BETWEEN ? AND ?`, params: [10, 12] }, myContext()));
    expect(rows).toEqual([{ id: 10 }, { id: 11 }, { id: 12 }]);
    const none = await collectBatches(source.read({ query: `SELECT id FROM \`${table}\` WHERE id < ?`, params: [0] }, myContext()));
    expect(none.rows).toEqual([]);
  });

  it('check reports a missing table and a bad password as issues, without the password', async () => {
    const issue = (path: string, code: string, message: string, hint?: string) => ({ path, code, message, hint, severity: 'error' as const });
    const base = { signal: new AbortController().signal, pipeline: myContext().pipeline, path: '/extract', issue } as never;
    const missing = await source.check!({ table: 'no_such_table_here' }, { ...(base as object), connection: { url: process.env.TEST_MYSQL_URL } } as never);
    expect(missing[0]).toMatchObject({ code: 'E_MYSQL_NO_SUCH_TABLE' });
    const url = new URL(process.env.TEST_MYSQL_URL!);
    url.password = 'wrong-secret-pw';
    const runtime = await (await import('../../src/connectors/mysql/index.js')).mysql.load();
    const bad = await runtime.checkConnection!({ url: url.toString() }, base);
    expect(bad[0]!.message).toMatch(/Access denied/);
    expect(JSON.stringify(bad)).not.toContain('wrong-secret-pw');
  });

  it('an unreachable port fails fast as a transient connection error', async () => {
    const ctx = myContext({ connection: { host: '127.0.0.1', port: 1, user: 'x', connect_timeout_secs: 2 } });
    await expect(collectBatches(source.read({ table }, ctx))).rejects.toMatchObject({ kind: 'transient' });
  });

  it('an abort while reading stops with InterruptedError', async () => {
    const ctx = myContext({ batch_size: 500 });
    const seen: number[] = [];
    const reading = (async () => {
      for await (const batch of source.read({ table }, ctx)) {
        seen.push(batch.rows.length);
        if (seen.length === 2) ctx.controller.abort();
      }
    })();
    await expect(reading).rejects.toBeInstanceOf(InterruptedError);
    expect(seen).toEqual([500, 500]);
  });
});
