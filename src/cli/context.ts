import { redactUrlPasswords, type SecretRegistry } from '../core/secrets.js';

export type LogFormat = 'text' | 'json';

/**
 * What every command gets: the abort signal, the output streams and the redactor. All text the
 * CLI prints goes through `out`/`err`, which redact known secrets (and URL passwords always).
 */
export class CliContext {
  secrets: SecretRegistry | undefined;
  verbose = false;
  quiet = false;
  logFormat: LogFormat = 'text';
  /** true when a sink writes data to stdout (`path: -`): the summary then goes to stderr. */
  stdoutIsData = false;
  readonly signal: AbortSignal;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;

  constructor(signal: AbortSignal, stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr) {
    this.signal = signal;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  redact(text: string): string {
    return this.secrets ? this.secrets.redact(text) : redactUrlPasswords(text);
  }

  redactValue<T>(value: T): T {
    if (this.secrets) return this.secrets.redactValue(value);
    return JSON.parse(redactUrlPasswords(JSON.stringify(value, bigintSafe))) as T;
  }

  /** a line of command output on stdout. */
  out(text: string): void {
    (this.stdoutIsData ? this.stderr : this.stdout).write(this.redact(text) + '\n');
  }

  /** a line of diagnostics on stderr. */
  err(text: string): void {
    this.stderr.write(this.redact(text) + '\n');
  }

  /** a JSON value as one NDJSON line on stderr (redacted). */
  errJson(value: unknown): void {
    this.stderr.write(JSON.stringify(this.redactValue(value), bigintSafe) + '\n');
  }

  get color(): boolean {
    return Boolean(this.stderr.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  }

  paint(code: number, text: string): string {
    return this.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  }
}

export function bigintSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}
