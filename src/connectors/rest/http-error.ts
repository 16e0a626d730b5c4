import { ConnectorError, type FailureKind } from '../../core/errors.js';

const TRANSIENT = new Set([429, 502, 503, 504]);
const CONFIG = new Set([401, 403, 404, 405, 407, 410]);

/** How a response status is treated: retried, a configuration problem, refused data, or fatal. */
export function statusKind(status: number): FailureKind {
  if (TRANSIENT.has(status)) return 'transient';
  if (CONFIG.has(status)) return 'config';
  if (status >= 400 && status < 500) return 'data';
  return 'fatal';
}

function hintFor(status: number): string {
  if (status === 401 || status === 403 || status === 407) return 'check the credentials (`auth`, `headers`) of the connection';
  if (status === 404 || status === 410) return 'check `base_url`, `path`/`url` and the query parameters';
  if (status === 405) return 'check `method`';
  if (status === 429) return 'the API is rate limiting: lower `requests_per_second`, or raise `retry.attempts`';
  if (status >= 500) return 'the server failed; retry later or raise `retry.attempts`';
  return 'the API refused the request; see its answer above';
}

/** A non-2xx answer, a timeout or a network failure. Messages never hold secrets (callers redact). */
export class HttpError extends ConnectorError {
  readonly status?: number;
  readonly retry_after_ms?: number;
  /** the first 200 characters of the response body (redacted). */
  readonly body?: string;

  constructor(code: string, message: string, o: { kind: FailureKind; status?: number; retry_after_ms?: number; body?: string; hint?: string; cause?: unknown }) {
    super(code, message, { kind: o.kind, ...(o.hint ? { hint: o.hint } : {}), ...(o.cause === undefined ? {} : { cause: o.cause }) });
    if (o.status !== undefined) this.status = o.status;
    if (o.retry_after_ms !== undefined) this.retry_after_ms = o.retry_after_ms;
    if (o.body !== undefined) this.body = o.body;
  }

  static fromStatus(what: string, status: number, statusText: string, body: string, retry_after_ms?: number): HttpError {
    const snippet = body.replace(/\s+/g, ' ').trim().slice(0, 200);
    const text = `${what} → ${status}${statusText ? ` ${statusText}` : ''}${snippet ? `: ${snippet}` : ''}`;
    return new HttpError('E_HTTP_STATUS', text, {
      kind: statusKind(status), status, body: snippet, hint: hintFor(status),
      ...(retry_after_ms === undefined ? {} : { retry_after_ms }),
    });
  }
}
