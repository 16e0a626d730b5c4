import { describe, it, expect } from 'vitest';
import { ConnectorError, DataQualityError, InterruptedError } from '../errors.js';
import type { EtlEvent } from '../events.js';
import { backoffMs, classifyError, parseRetryAfter, withRetry } from './retry.js';
import type { RetryPolicy } from './retry-policy.js';

const fast: RetryPolicy = { attempts: 4, initial_secs: 0.01, max_secs: 0.04, jitter: 0 };
const signal = new AbortController().signal;

function errWith(props: Record<string, unknown>, message = 'boom'): Error {
  return Object.assign(new Error(message), props);
}

describe('classifyError', () => {
  it('treats network, SQLSTATE and HTTP transient failures as transient', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', '40001', '40P01', '57P01', '08006']) {
      expect(classifyError(errWith({ code })).kind, code).toBe('transient');
    }
    for (const status of [429, 502, 503, 504]) expect(classifyError(errWith({ status })).kind).toBe('transient');
    expect(classifyError(errWith({ statusCode: 503 })).kind).toBe('transient');
    expect(classifyError(new Error('socket hang up')).kind).toBe('transient');
    expect(classifyError(new ConnectorError('E_X', 'x', { kind: 'transient' })).kind).toBe('transient');
  });

  it('never retries data, config, SQL errors or aborts', () => {
    expect(classifyError(errWith({ code: 'ENOTFOUND' })).kind).toBe('config');
    expect(classifyError(errWith({ code: '23505' })).kind).toBe('data');
    expect(classifyError(errWith({ code: '42P01' })).kind).toBe('config');
    expect(classifyError(errWith({ status: 400 })).kind).toBe('data');
    expect(classifyError(errWith({ status: 401 })).kind).toBe('config');
    expect(classifyError(new DataQualityError('too many')).kind).toBe('data');
    expect(classifyError(new InterruptedError()).kind).toBe('fatal');
    expect(classifyError(new Error('plain bug')).kind).toBe('fatal');
  });

  it('looks through a fatal wrapper at its cause and reads Retry-After', () => {
    const wrapped = new ConnectorError('E_PG', 'connect failed', { cause: errWith({ code: 'ECONNREFUSED' }) });
    expect(classifyError(wrapped).kind).toBe('transient');
    expect(classifyError(errWith({ status: 429, retry_after_ms: 1234 }))).toEqual({ kind: 'transient', retry_after_ms: 1234 });
    expect(classifyError(errWith({ status: 503, headers: { 'retry-after': '2' } }))).toEqual({ kind: 'transient', retry_after_ms: 2000 });
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
  });
});

describe('backoffMs', () => {
  it('doubles from initial_secs, caps at max_secs, and jitters within the fraction', () => {
    const p: RetryPolicy = { attempts: 9, initial_secs: 0.5, max_secs: 3, jitter: 0 };
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(p, n))).toEqual([500, 1000, 2000, 3000, 3000]);
    const j: RetryPolicy = { ...p, jitter: 0.2 };
    expect(backoffMs(j, 2, () => 0)).toBe(800);
    expect(backoffMs(j, 2, () => 1)).toBe(1000);
  });
});

describe('withRetry', () => {
  it('retries transient failures with backoff, then succeeds', async () => {
    const waits: number[] = [];
    const events: EtlEvent[] = [];
    const t0 = Date.now();
    const out = await withRetry(
      async (attempt) => {
        if (attempt < 3) throw errWith({ code: 'ECONNRESET' }, 'read ECONNRESET');
        return attempt;
      },
      { policy: fast, signal, on_retry: (i) => waits.push(i.wait_ms), events: (e) => events.push(e), stage: 'extract pg' },
    );
    expect(out).toBe(3);
    expect(waits).toEqual([10, 20]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(25);
    expect(events).toEqual([
      { type: 'retry.scheduled', stage: 'extract pg', attempt: 1, wait_ms: 10, reason: 'read ECONNRESET' },
      { type: 'retry.scheduled', stage: 'extract pg', attempt: 2, wait_ms: 20, reason: 'read ECONNRESET' },
    ]);
  });

  it('does not retry a data error and gives up after `attempts`', async () => {
    let calls = 0;
    const bad = errWith({ code: '22P02' }, 'invalid input syntax');
    await expect(withRetry(async () => { calls++; throw bad; }, { policy: fast, signal })).rejects.toBe(bad);
    expect(calls).toBe(1);
    calls = 0;
    await expect(withRetry(async () => { calls++; throw errWith({ status: 503 }); }, { policy: fast, signal })).rejects.toMatchObject({ status: 503 });
    expect(calls).toBe(4);
  });

  it('honours Retry-After as the wait', async () => {
    const waits: number[] = [];
    const t0 = Date.now();
    await withRetry(
      async (attempt) => {
        if (attempt === 1) throw errWith({ status: 429, retry_after_ms: 60 });
        return 'ok';
      },
      { policy: fast, signal, on_retry: (i) => waits.push(i.wait_ms) },
    );
    expect(waits).toEqual([60]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(55);
  });

  it('uses a custom classifier and stops waiting when aborted', async () => {
    const ac = new AbortController();
    const slow: RetryPolicy = { attempts: 5, initial_secs: 10, max_secs: 10, jitter: 0 };
    const p = withRetry(async () => { throw new Error('flaky'); }, { policy: slow, signal: ac.signal, classify: () => 'transient' });
    setTimeout(() => ac.abort(), 20);
    const t0 = Date.now();
    await expect(p).rejects.toBeInstanceOf(InterruptedError);
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});
