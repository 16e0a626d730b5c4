import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mask } from './index.js';
import { batchOf, runTransform } from '../shared/run.js';
import type { LintContext } from '../../connectors/define.js';

const batch = batchOf({ email: 'string', card: 'string', notes: 'string', phone: 'string', n: 'integer' }, [
  { email: 'a@x.com', card: '4111111111111111', notes: 'secret', phone: '555', n: 42 },
  { email: null, card: '12', notes: null, phone: null, n: null },
]);

describe('mask', () => {
  it('hashes with the salt, redacts, keeps the last characters, nulls', async () => {
    const { batches, ctx } = await runTransform(mask, {
      salt: 'pepper-123',
      columns: { email: { method: 'sha256' }, card: { method: 'keep_last', keep_last: 4 }, notes: { method: 'redact' }, phone: { method: 'null' }, n: { method: 'sha256' } },
    }, [batch]);
    const [a, b] = batches[0]!.rows;
    expect(a!.email).toBe(createHash('sha256').update('pepper-123a@x.com').digest('hex'));
    expect(a).toMatchObject({ card: '***1111', notes: '***', phone: null });
    expect(a!.n).toBe(createHash('sha256').update('pepper-12342').digest('hex'));
    expect(b).toEqual({ email: null, card: '***', notes: null, phone: null, n: null });
    expect(batches[0]!.schema.columns.find((c) => c.name === 'n')!.type).toBe('string');
    expect(ctx.secrets.redact('salt is pepper-123')).toBe('salt is ***');
  });

  it('lint warns about sha256 without a salt', () => {
    const ctx: LintContext = { locate: () => undefined, issue: (path, code, message) => ({ severity: 'error', code, message, path }) };
    const issues = mask.lint!({ options: { columns: { email: { method: 'sha256' } } }, path: '/transform/0' }, ctx);
    expect(issues).toMatchObject([{ severity: 'warning', code: 'W_MASK_NO_SALT' }]);
  });
});
