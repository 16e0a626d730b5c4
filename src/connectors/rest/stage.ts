import type { EventSink } from '../../core/events.js';
import type { RetryPolicy } from '../../core/engine/retry-policy.js';
import { SecretRegistry } from '../../core/secrets.js';
import { HttpClient } from './client.js';
import type { AuthOptions } from './options.js';
import { Redactor, resolveSettings, targetUrl, type HttpSettings } from './settings.js';

export interface StageOptions {
  readonly url?: string;
  readonly path?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly auth?: AuthOptions;
  readonly timeout_secs?: number;
  readonly requests_per_second?: number;
  readonly concurrency?: number;
}

export interface StageHttp {
  readonly settings: HttpSettings;
  readonly redact: Redactor;
  readonly url: URL;
  readonly client: HttpClient;
}

export interface StageDeps {
  readonly signal: AbortSignal;
  readonly retry: RetryPolicy;
  readonly events?: EventSink;
  readonly stage?: string;
  readonly secrets?: SecretRegistry;
  readonly connection?: Record<string, unknown>;
}

/** Settings, redaction, the target URL and a client for one rest stage. */
export function openStage(o: StageOptions, deps: StageDeps): StageHttp {
  const settings = resolveSettings(o, deps.connection);
  const redact = new Redactor(settings, deps.secrets ?? new SecretRegistry());
  const url = targetUrl(o, settings, redact);
  const client = new HttpClient(settings, redact, url.origin, {
    signal: deps.signal, retry: deps.retry,
    ...(deps.events ? { events: deps.events } : {}),
    ...(deps.stage !== undefined ? { stage: deps.stage } : {}),
  });
  return { settings, redact, url, client };
}

/** For validate --connections: one attempt, no events. */
export const CHECK_RETRY: RetryPolicy = { attempts: 1, initial_secs: 0, max_secs: 0, jitter: 0 };
