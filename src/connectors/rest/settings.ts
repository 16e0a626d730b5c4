import { RunError } from '../../core/errors.js';
import { isSecretKey, REDACTED, SecretRegistry } from '../../core/secrets.js';
import type { AuthOptions } from './options.js';

/** The HTTP settings of one stage: its connection's, overridden by the stage's own. */
export interface HttpSettings {
  readonly base_url?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly auth?: AuthOptions;
  readonly timeout_ms: number;
  readonly requests_per_second?: number;
  readonly concurrency: number;
}

interface HttpOverrides {
  readonly url?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly auth?: AuthOptions;
  readonly timeout_secs?: number;
  readonly requests_per_second?: number;
  readonly concurrency?: number;
}

export function resolveSettings(stage: HttpOverrides, connection: Record<string, unknown> | undefined): HttpSettings {
  const c = (connection ?? {}) as HttpOverrides & { base_url?: string };
  const rps = stage.requests_per_second ?? c.requests_per_second;
  const auth = stage.auth ?? c.auth;
  return {
    ...(c.base_url === undefined ? {} : { base_url: c.base_url }),
    headers: { ...(c.headers ?? {}), ...(stage.headers ?? {}) },
    ...(auth === undefined ? {} : { auth }),
    timeout_ms: Math.round((stage.timeout_secs ?? c.timeout_secs ?? 30) * 1000),
    ...(rps === undefined ? {} : { requests_per_second: rps }),
    concurrency: stage.concurrency ?? c.concurrency ?? 1,
  };
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * The stage's target: `url` when absolute, else base_url + `url`/`path` joined with exactly one
 * slash (so base_url `https://api/v1` + `items` is `https://api/v1/items`, unlike `new URL`).
 */
export function targetUrl(stage: HttpOverrides, settings: HttpSettings, redact: Redactor): URL {
  const rel = stage.url ?? stage.path;
  let text: string;
  if (rel !== undefined && ABSOLUTE.test(rel)) text = rel;
  else if (settings.base_url === undefined) {
    throw new RunError('E_REST_NO_URL', rel === undefined ? 'rest stage has no URL' : `rest stage: "${redact.text(rel)}" is relative and there is no base_url`, {
      hint: 'give `url: https://…`, or a connection with `base_url` and a `path`',
    });
  } else if (rel === undefined || rel === '') text = settings.base_url;
  else text = `${settings.base_url.replace(/\/+$/, '')}/${rel.replace(/^\/+/, '')}`;
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    return url;
  } catch {
    throw new RunError('E_REST_URL', `rest stage: invalid URL "${redact.text(text)}"`, { hint: 'use an absolute http:// or https:// URL' });
  }
}

const SECRET_PARAM = /^(sig|signature|key|access_token|client_secret)$/i;
const SECRET_HEADER = /authorization|api[-_]?key|token|secret|cookie|session/i;

/**
 * Hides secrets in every text this connector produces: the auth values, credential-like headers,
 * query values of secret-looking parameters (api_key=… → api_key=***), and whatever the pipeline
 * registry knows. New secrets are also added to that registry, so the engine redacts them too.
 */
export class Redactor {
  private readonly values: string[];
  private readonly params: Set<string>;

  constructor(settings: Pick<HttpSettings, 'auth' | 'headers'>, readonly registry: SecretRegistry = new SecretRegistry()) {
    const values: string[] = [];
    const params = new Set<string>();
    const auth = settings.auth;
    if (auth?.type === 'bearer') values.push(auth.token);
    if (auth?.type === 'basic') values.push(auth.password, Buffer.from(`${auth.user}:${auth.password}`).toString('base64'));
    if (auth?.type === 'api_key') {
      values.push(auth.value);
      if (auth.in === 'query') params.add(auth.name.toLowerCase());
    }
    if (auth?.type === 'oauth2') values.push(auth.client_secret);
    for (const [name, value] of Object.entries(settings.headers)) {
      if (!SECRET_HEADER.test(name)) continue;
      values.push(value);
      const credential = /^(?:bearer|basic|token|apikey)\s+(\S+)$/i.exec(value)?.[1];
      if (credential) values.push(credential); // 'Bearer abc': abc alone is secret too
    }
    this.values = values.filter((v) => v.length >= 3).sort((a, b) => b.length - a.length);
    this.params = params;
    for (const v of this.values) registry.add(v);
  }

  /** Registers a value learned at run time (an oauth2 access token). */
  add(value: string): void {
    if (value.length < 3) return;
    this.values.push(value);
    this.values.sort((a, b) => b.length - a.length);
    this.registry.add(value);
  }

  url(url: URL | string): string {
    let u: URL;
    try {
      u = new URL(String(url));
    } catch {
      return this.text(String(url));
    }
    if (u.password) u.password = REDACTED;
    for (const name of [...new Set(u.searchParams.keys())]) {
      if (this.params.has(name.toLowerCase()) || isSecretKey(name) || SECRET_PARAM.test(name)) u.searchParams.set(name, REDACTED);
    }
    return this.text(u.toString().replaceAll(encodeURIComponent(REDACTED), REDACTED));
  }

  text(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    return this.registry.redact(out);
  }
}
