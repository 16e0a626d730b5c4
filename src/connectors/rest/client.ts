import { ConnectorError, InterruptedError, RunError } from '../../core/errors.js';
import { REDACTED } from '../../core/secrets.js';
import type { EventSink } from '../../core/events.js';
import { classifyError, parseRetryAfter, withRetry, type Classified } from '../../core/engine/retry.js';
import type { RetryPolicy } from '../../core/engine/retry-policy.js';
import { Authenticator } from './auth.js';
import { HttpError } from './http-error.js';
import { RateLimiter, Semaphore } from './limiter.js';
import type { HttpSettings, Redactor } from './settings.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** Largest response body read into memory (one page); a larger one stops the run. */
export const MAX_BODY_BYTES = 100 * 1024 * 1024;

export interface HttpRequest {
  readonly method: string;
  readonly url: URL;
  readonly body?: string;
  /** for messages: 'page 3', 'batch 12 (100 records)'. */
  readonly what?: string;
}

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly text: string;
  readonly url: URL;
}

export interface ClientDeps {
  readonly signal: AbortSignal;
  readonly retry: RetryPolicy;
  readonly events?: EventSink;
  readonly stage?: string;
}

/**
 * One stage's HTTP client: auth, rate limit, concurrency, per-request timeout, body cap and
 * retries through the shared policy. Credentials and `headers` go only to `origin` (the stage's
 * own URL): a next-page URL on another host gets neither.
 */
export class HttpClient {
  private readonly limiter: RateLimiter;
  private readonly slots: Semaphore;
  readonly auth: Authenticator;

  constructor(
    readonly settings: HttpSettings,
    readonly redact: Redactor,
    private readonly origin: string,
    private readonly deps: ClientDeps,
  ) {
    this.limiter = new RateLimiter(settings.requests_per_second);
    this.slots = new Semaphore(settings.concurrency);
    this.auth = new Authenticator(settings.auth, redact, async (url, init) => {
      const res = await this.fetchOnce(url, init, `oauth2 token request POST ${redact.url(url)}`);
      return { status: res.status, statusText: res.statusText, text: res.text };
    });
  }

  /** Sends with retries; resolves with a 2xx response, throws HttpError otherwise. */
  send(req: HttpRequest): Promise<HttpResponse> {
    return withRetry(() => this.attempt(req), {
      policy: this.deps.retry,
      signal: this.deps.signal,
      classify,
      ...(this.deps.events ? { events: this.deps.events } : {}),
      ...(this.deps.stage !== undefined ? { stage: this.deps.stage } : {}),
    });
  }

  /** 'GET https://api/items?page=2' with secrets hidden. */
  describe(req: Pick<HttpRequest, 'method' | 'url'>): string {
    return `${req.method} ${this.redact.url(req.url)}`;
  }

  /** Like describe(), with an api key sent in the query shown as `name=***` (dry-run). */
  describeSent(req: Pick<HttpRequest, 'method' | 'url'>): string {
    const a = this.settings.auth;
    const url = new URL(req.url);
    if (a?.type === 'api_key' && a.in === 'query' && url.origin === this.origin) url.searchParams.set(a.name, REDACTED);
    return this.describe({ method: req.method, url });
  }

  private async attempt(req: HttpRequest): Promise<HttpResponse> {
    const release = await this.slots.acquire();
    try {
      let res = await this.exchange(req);
      if (res.response.status === 401 && this.auth.refreshable && res.token !== undefined) {
        this.auth.invalidate(res.token); // expired or revoked: one fresh token, one more try
        res = await this.exchange(req);
      }
      const r = res.response;
      if (r.status >= 200 && r.status <= 299) return r;
      const after = r.headers.get('retry-after');
      const wait = after === null ? undefined : parseRetryAfter(after);
      throw HttpError.fromStatus(this.label({ ...req, url: r.url }), r.status, r.statusText, this.redact.text(r.text), wait);
    } finally {
      release();
    }
  }

  /**
   * One request, following up to MAX_REDIRECTS redirects by hand: credentials and `headers` are
   * set again for each hop only when it stays on the stage's origin (fetch's own redirect mode
   * would forward custom headers such as X-API-Key to another host).
   */
  private async exchange(req: HttpRequest): Promise<{ response: HttpResponse; token?: string }> {
    let url = new URL(req.url);
    let method = req.method;
    let body = req.body;
    for (let hop = 0; ; hop++) {
      await this.limiter.take(this.deps.signal);
      const headers = new Headers({ accept: 'application/json', 'user-agent': 'etl-cli' });
      let token: string | undefined;
      if (url.origin === this.origin) {
        for (const [k, v] of Object.entries(this.settings.headers)) headers.set(k, v);
        token = await this.auth.apply(url, headers);
      }
      if (body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
      const init: RequestInit = { method, headers, ...(body === undefined ? {} : { body }) };
      const response = await this.fetchOnce(url, init, this.label({ ...req, method, url }));
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || location === null || hop >= MAX_REDIRECTS) {
        return { response, ...(token === undefined ? {} : { token }) };
      }
      const next = new URL(location, response.url);
      if (response.status === 303 || (response.status <= 302 && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      url = next;
    }
  }

  private label(req: HttpRequest): string {
    return `${req.what ? `${req.what}: ` : ''}${this.describe(req)}`;
  }

  /** One fetch with the timeout, the run's signal and the body cap; network failures → HttpError. */
  private async fetchOnce(url: URL, init: RequestInit, label: string): Promise<HttpResponse> {
    const timeout = AbortSignal.timeout(this.settings.timeout_ms);
    const signal = AbortSignal.any([this.deps.signal, timeout]);
    try {
      const res = await fetch(url, { ...init, signal, redirect: 'manual' });
      const text = await readBody(res, label);
      return { status: res.status, statusText: res.statusText, headers: res.headers, text, url };
    } catch (err) {
      if (this.deps.signal.aborted) throw new InterruptedError('interrupted', { cause: this.deps.signal.reason });
      if (err instanceof ConnectorError || err instanceof RunError) throw err;
      if (timeout.aborted) {
        throw new HttpError('E_HTTP_TIMEOUT', `${label}: no complete answer within ${this.settings.timeout_ms / 1000} s`, {
          kind: 'transient', hint: 'raise `timeout_secs`, or check that the API is up',
        });
      }
      throw networkError(label, err, this.redact);
    }
  }
}

function classify(err: unknown): Classified {
  if (err instanceof HttpError) return { kind: err.kind, ...(err.retry_after_ms === undefined ? {} : { retry_after_ms: err.retry_after_ms }) };
  return classifyError(err);
}

function networkError(label: string, err: unknown, redact: Redactor): HttpError {
  let code: string | undefined;
  let detail = '';
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string' && code === undefined) code = c;
    if (e instanceof Error && e.message && e.message !== 'fetch failed') detail ||= e.message;
  }
  const message = `${label}: ${redact.text(detail || 'network error')}${code && !detail.includes(code) ? ` (${code})` : ''}`;
  const kind = code === 'ENOTFOUND' ? 'config' : 'transient';
  return new HttpError('E_HTTP_NETWORK', message, { kind, hint: kind === 'config' ? 'check the host name in base_url/url' : 'check that the API is reachable' });
}

async function readBody(res: Response, label: string): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    await res.body?.cancel();
    throw tooLarge(label);
  }
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > MAX_BODY_BYTES) throw tooLarge(label);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(label: string): RunError {
  return new RunError('E_HTTP_BODY_TOO_LARGE', `${label}: response body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`, {
    hint: 'ask for smaller pages (pagination size/limit)',
  });
}
