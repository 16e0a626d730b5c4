import { ConnectorError, ConfigError, DataQualityError, InterruptedError, UsageError, isAbort } from '../errors.js';
import type { FailureKind } from '../errors.js';
import type { EventSink } from '../events.js';
import type { RetryPolicy } from './retry-policy.js';

export interface Classified {
  readonly kind: FailureKind;
  /** the server asked to wait this long (HTTP Retry-After). */
  readonly retry_after_ms?: number;
}

export interface RetryInfo {
  /** the attempt that failed (1-based); the next one is attempt + 1. */
  readonly attempt: number;
  readonly wait_ms: number;
  readonly reason: string;
}

export interface RetryOptions {
  readonly policy: RetryPolicy;
  readonly signal: AbortSignal;
  readonly classify?: (e: unknown) => FailureKind | Classified;
  readonly on_retry?: (info: RetryInfo) => void;
  /** when given, each retry is also emitted as a `retry.scheduled` event of this stage. */
  readonly events?: EventSink;
  readonly stage?: string;
}

const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED', 'EHOSTUNREACH',
  'ENETUNREACH', 'ENETDOWN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT',
]);
/** serialization failure, deadlock, admin shutdown, cannot connect now, connection exceptions. */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P03', '08000', '08001', '08003', '08006']);
const TRANSIENT_HTTP = new Set([429, 502, 503, 504]);

/**
 * Decides whether a failure is worth retrying. Only 'transient' is retried: connection
 * refused/reset, timeouts, serialization failures and deadlocks, HTTP 429/502/503/504.
 * Bad data, bad config, SQL errors and aborts are never retried.
 */
export function classifyError(err: unknown): Classified {
  if (isAbort(err)) return { kind: 'fatal' };
  if (err instanceof ConnectorError && err.kind !== 'fatal') return { kind: err.kind, ...retryAfter(err) };
  if (err instanceof DataQualityError) return { kind: 'data' };
  if (err instanceof ConfigError || err instanceof UsageError) return { kind: 'config' };
  const own = classifyOwn(err);
  if (own) return own;
  const cause = (err as { cause?: unknown } | null)?.cause;
  if (cause !== undefined && cause !== err) return classifyError(cause);
  return { kind: 'fatal' };
}

function classifyOwn(err: unknown): Classified | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; status?: unknown; statusCode?: unknown; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined) {
    if (TRANSIENT_HTTP.has(status)) return { kind: 'transient', ...retryAfter(err) };
    if (status === 401 || status === 403 || status === 404) return { kind: 'config' };
    if (status >= 400 && status < 500) return { kind: 'data' };
  }
  if (typeof e.code === 'string') {
    if (TRANSIENT_NODE_CODES.has(e.code) || TRANSIENT_SQLSTATES.has(e.code)) return { kind: 'transient' };
    if (e.code === 'ENOTFOUND') return { kind: 'config' };
    if (/^(22|23)[0-9A-Z]{3}$/.test(e.code)) return { kind: 'data' };
    if (/^(28|3D|42)[0-9A-Z]{3}$/.test(e.code)) return { kind: 'config' };
  }
  if (typeof e.message === 'string' && /socket hang up/i.test(e.message)) return { kind: 'transient' };
  return undefined;
}

function retryAfter(err: unknown): { retry_after_ms?: number } {
  const e = err as { retry_after_ms?: unknown; headers?: unknown };
  if (typeof e.retry_after_ms === 'number' && e.retry_after_ms >= 0) return { retry_after_ms: e.retry_after_ms };
  const headers = e.headers as { get?: (k: string) => string | null } | Record<string, unknown> | undefined;
  if (!headers) return {};
  const raw = typeof headers.get === 'function' ? (headers.get as (k: string) => string | null)('retry-after') : (headers as Record<string, unknown>)['retry-after'];
  const ms = typeof raw === 'string' ? parseRetryAfter(raw) : undefined;
  return ms === undefined ? {} : { retry_after_ms: ms };
}

/** Parses an HTTP Retry-After header (seconds, or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string, now = Date.now()): number | undefined {
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Delay before retry n (1-based): initial * 2^(n-1), capped at max, with `jitter` of it randomised. */
export function backoffMs(policy: RetryPolicy, n: number, random: () => number = Math.random): number {
  const base = Math.min(policy.initial_secs * 2 ** (n - 1), policy.max_secs) * 1000;
  const jitter = Math.min(Math.max(policy.jitter, 0), 1);
  return Math.round(base * (1 - jitter) + base * jitter * random());
}

/**
 * Runs `fn(attempt)` and retries transient failures with exponential backoff and jitter, up to
 * `policy.attempts` attempts in all. The wait is abortable. Other failures are rethrown at once.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const attempts = Math.max(1, Math.floor(opts.policy.attempts));
  for (let attempt = 1; ; attempt++) {
    if (opts.signal.aborted) throw new InterruptedError('interrupted', { cause: opts.signal.reason });
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= attempts || opts.signal.aborted) throw err;
      const c = normalise(opts.classify ? opts.classify(err) : classifyError(err));
      if (c.kind !== 'transient') throw err;
      const wait_ms = c.retry_after_ms ?? backoffMs(opts.policy, attempt);
      const info: RetryInfo = { attempt, wait_ms, reason: reasonOf(err) };
      opts.on_retry?.(info);
      opts.events?.({ type: 'retry.scheduled', stage: opts.stage ?? '', ...info });
      await sleep(wait_ms, opts.signal);
    }
  }
}

function normalise(c: FailureKind | Classified): Classified {
  return typeof c === 'string' ? { kind: c } : c;
}

function reasonOf(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

/** Waits `ms`, or rejects with InterruptedError as soon as the signal fires. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new InterruptedError('interrupted', { cause: signal.reason }));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new InterruptedError('interrupted', { cause: signal.reason }));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
