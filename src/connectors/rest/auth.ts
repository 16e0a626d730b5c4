import { ConnectorError } from '../../core/errors.js';
import { HttpError, statusKind } from './http-error.js';
import type { AuthOptions } from './options.js';
import type { Redactor } from './settings.js';

interface CachedToken {
  readonly token: string;
  /** performance.now() after which the token is treated as expired. */
  readonly until: number;
}

/** Fetches with the request timeout; given by the client so token requests share it. */
export type TokenFetch = (url: URL, init: RequestInit) => Promise<{ status: number; statusText: string; text: string }>;

/**
 * Adds credentials to a request. oauth2 (client credentials): the token is fetched on first use,
 * cached until `expires_in` (minus 10%, at most 30 s, of margin), and refetched once when the API
 * answers 401 (see `invalidate`). Concurrent callers share one token request.
 */
export class Authenticator {
  private cached?: CachedToken;
  private pending?: Promise<string>;

  constructor(
    private readonly auth: AuthOptions | undefined,
    private readonly redact: Redactor,
    private readonly fetchToken: TokenFetch,
  ) {}

  get refreshable(): boolean {
    return this.auth?.type === 'oauth2';
  }

  /** Sets the auth header or query parameter; returns the oauth2 token used, if any. */
  async apply(url: URL, headers: Headers): Promise<string | undefined> {
    const a = this.auth;
    if (!a) return undefined;
    switch (a.type) {
      case 'bearer':
        headers.set('authorization', `Bearer ${a.token}`);
        return undefined;
      case 'basic':
        headers.set('authorization', `Basic ${Buffer.from(`${a.user}:${a.password}`).toString('base64')}`);
        return undefined;
      case 'api_key':
        if (a.in === 'query') url.searchParams.set(a.name, a.value);
        else headers.set(a.name, a.value);
        return undefined;
      case 'oauth2': {
        const token = await this.token();
        headers.set('authorization', `Bearer ${token}`);
        return token;
      }
    }
  }

  /** Forgets `token` (the API refused it), so the next apply() fetches a fresh one. */
  invalidate(token: string | undefined): void {
    if (token !== undefined && this.cached?.token === token) delete this.cached;
  }

  /** The current oauth2 token, fetched when missing or expired. */
  token(): Promise<string> {
    if (this.cached && performance.now() < this.cached.until) return Promise.resolve(this.cached.token);
    this.pending ??= this.requestToken().finally(() => {
      delete this.pending;
    });
    return this.pending;
  }

  private async requestToken(): Promise<string> {
    const a = this.auth;
    if (a?.type !== 'oauth2') throw new Error('not oauth2');
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: a.client_id, client_secret: a.client_secret });
    if (a.scope) form.set('scope', a.scope);
    let url: URL;
    try {
      url = new URL(a.token_url);
    } catch {
      throw new ConnectorError('E_REST_OAUTH', `oauth2 token_url is not a URL: ${this.redact.text(a.token_url)}`, { kind: 'config' });
    }
    const res = await this.fetchToken(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    const what = `oauth2 token request POST ${this.redact.url(url)}`;
    if (res.status < 200 || res.status > 299) {
      const err = HttpError.fromStatus(what, res.status, res.statusText, this.redact.text(res.text));
      throw new HttpError('E_REST_OAUTH', err.message, { kind: statusKind(res.status) === 'data' ? 'config' : err.kind, status: res.status, hint: 'check token_url, client_id, client_secret and scope' });
    }
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(res.text) as typeof body;
    } catch {
      throw new ConnectorError('E_REST_OAUTH', `${what}: the answer is not JSON`, { kind: 'config' });
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new ConnectorError('E_REST_OAUTH', `${what}: the answer has no access_token`, { kind: 'config' });
    }
    this.redact.add(body.access_token);
    const secs = Number(body.expires_in);
    const life_ms = Number.isFinite(secs) && secs > 0 ? secs * 1000 : 3600_000;
    this.cached = { token: body.access_token, until: performance.now() + life_ms - Math.min(30_000, life_ms * 0.1) };
    return body.access_token;
  }
}
