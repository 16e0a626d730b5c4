/** How long a push may take before it is given up (a warning, never a failed run). */
export const PUSH_TIMEOUT_MS = 10_000;

/**
 * A Pushgateway grouping-key value in a URL path: as is when safe, else base64url with the
 * `@base64` suffix (the gateway's rule for values with `/` or that are empty).
 */
export function groupingValue(value: string): string {
  if (value !== '' && /^[A-Za-z0-9_.~-]+$/.test(value)) return value;
  return `${Buffer.from(value, 'utf8').toString('base64url') || '='}@base64`;
}

/** `<url>/metrics/job/etl-cli/pipeline/<name>`, whatever slashes `url` ends with. */
export function pushUrl(base: string, pipeline: string): string {
  return `${base.replace(/\/+$/, '')}/metrics/job/etl-cli/pipeline/${groupingValue(pipeline)}`;
}

/**
 * PUTs the metrics text to a Pushgateway (replacing the pipeline's group). Resolves to an
 * error message on failure (network, timeout, non-2xx) and undefined on success: never throws.
 */
export async function pushMetrics(base: string, pipeline: string, text: string, timeoutMs = PUSH_TIMEOUT_MS): Promise<string | undefined> {
  let url: string;
  try {
    url = pushUrl(new URL(base).href, pipeline);
  } catch {
    return `--metrics-push ${base}: not a URL`;
  }
  try {
    const res = await fetch(url, {
      method: 'PUT',
      headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
      body: text,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (res.ok) return undefined;
    const body = (await res.text().catch(() => '')).trim().slice(0, 200);
    return `pushing metrics to ${url} failed: HTTP ${res.status}${body ? ` ${body}` : ''}`;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return `pushing metrics to ${url} failed: ${reason}`;
  }
}
