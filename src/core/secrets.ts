/**
 * The registry of secret strings found while loading a pipeline (values from ${env:} and ${file:},
 * keys named like password/secret/token, passwords inside URLs). Every renderer passes text
 * through `redact` before it reaches a terminal, a log or a report.
 */
export const REDACTED = '***';

const SECRET_KEY = /(pass(word)?|passwd|pwd|secret|token|api[_-]?key|private[_-]?key|credentials?|auth)$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export class SecretRegistry {
  private readonly values = new Set<string>();
  /** the secrets longest first, rebuilt only after add(). */
  private sorted: string[] | undefined;

  /** Registers a secret (and its URL-encoded form). Values shorter than 3 chars are not tracked. */
  add(value: string | undefined | null): void {
    if (!value || value.length < 3) return;
    this.sorted = undefined;
    this.values.add(value);
    const encoded = encodeURIComponent(value);
    if (encoded !== value) this.values.add(encoded);
    for (const part of passwordsInUrl(value)) this.add(part);
  }

  get size(): number {
    return this.values.size;
  }

  /** Replaces every known secret in `text` (longest first, so overlapping secrets go whole). */
  redact(text: string): string {
    let out = text;
    this.sorted ??= [...this.values].sort((a, b) => b.length - a.length);
    for (const secret of this.sorted) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return redactUrlPasswords(out);
  }

  /** Deep-redacts strings inside a JSON-like value (for reports and JSON logs). */
  redactValue<T>(value: T): T {
    return JSON.parse(this.redact(JSON.stringify(value, bigintReplacer))) as T;
  }
}

function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):([^@/?#\s]+)@/gi;

/** Hides the password of any `scheme://user:password@host` in free text, known or not. */
export function redactUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, `$1:${REDACTED}@`);
}

function passwordsInUrl(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(URL_PASSWORD)) {
    const pw = match[2];
    if (pw && pw !== REDACTED) {
      found.push(pw);
      try {
        const decoded = decodeURIComponent(pw);
        if (decoded !== pw) found.push(decoded);
      } catch {
        // not URL-encoded: the raw form is already registered
      }
    }
  }
  return found;
}
