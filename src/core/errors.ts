import type { Issue, Location } from './issues.js';

/** The SPEC's exit codes. Only src/cli/main.ts turns these into process.exitCode. */
export const ExitCode = {
  Ok: 0,
  RunFailed: 1,
  Invalid: 2,
  DataQuality: 3,
  Locked: 4,
  Interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Where a runtime error happened: a pipeline stage, a row, a column, a file position. */
export interface ErrorWhere {
  readonly stage?: string;
  readonly row?: number;
  readonly column?: string;
  readonly location?: Location;
  /** a source position such as "data.csv:12" */
  readonly position?: string;
}

export interface EtlErrorOptions {
  readonly hint?: string;
  readonly where?: ErrorWhere;
  readonly cause?: unknown;
}

export abstract class EtlError extends Error {
  abstract readonly exitCode: ExitCodeValue;
  readonly code: string;
  readonly hint?: string;
  readonly where?: ErrorWhere;

  constructor(code: string, message: string, options: EtlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.where !== undefined) this.where = options.where;
  }
}

/** A bad command line (unknown flag, missing argument). Exit 2, nothing touched. */
export class UsageError extends EtlError {
  readonly exitCode = ExitCode.Invalid;
  constructor(message: string, options?: EtlErrorOptions) {
    super('E_USAGE', message, options);
  }
}

/** The pipeline file is invalid; carries every issue found. Exit 2, nothing touched. */
export class ConfigError extends EtlError {
  readonly exitCode = ExitCode.Invalid;
  readonly issues: readonly Issue[];
  constructor(issues: readonly Issue[], message = `pipeline is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'})`) {
    super('E_CONFIG_INVALID', message);
    this.issues = issues;
  }
}

/** How a failure should be treated by the retry policy. */
export type FailureKind = 'transient' | 'data' | 'config' | 'fatal';

/** A connector failed (I/O, SQL, network). Exit 1. `kind` drives retries. */
export class ConnectorError extends EtlError {
  readonly exitCode = ExitCode.RunFailed;
  readonly kind: FailureKind;
  constructor(code: string, message: string, options: EtlErrorOptions & { kind?: FailureKind } = {}) {
    super(code, message, options);
    this.kind = options.kind ?? 'fatal';
  }
}

/** Too many rejects (errors.max_rejects) or a validate rule with on_fail: fail. Exit 3. */
export class DataQualityError extends EtlError {
  readonly exitCode = ExitCode.DataQuality;
  constructor(message: string, options?: EtlErrorOptions) {
    super('E_DATA_QUALITY', message, options);
  }
}

/** Another run of this pipeline holds the lock. Exit 4, nothing done. */
export class LockHeldError extends EtlError {
  readonly exitCode = ExitCode.Locked;
  constructor(message: string, options?: EtlErrorOptions) {
    super('E_LOCKED', message, options);
  }
}

/** SIGINT/SIGTERM: stopped cleanly. Exit 130. */
export class InterruptedError extends EtlError {
  readonly exitCode = ExitCode.Interrupted;
  constructor(message = 'interrupted', options?: EtlErrorOptions) {
    super('E_INTERRUPTED', message, options);
  }
}

/** A failure reading or writing data that is not a connector's fault (bad file, parse error). Exit 1. */
export class RunError extends EtlError {
  readonly exitCode = ExitCode.RunFailed;
  constructor(code: string, message: string, options?: EtlErrorOptions) {
    super(code, message, options);
  }
}

/** A bug in etl-cli. Exit 1 with "please report". */
export class InternalError extends EtlError {
  readonly exitCode = ExitCode.RunFailed;
  constructor(message: string, options?: EtlErrorOptions) {
    super('E_INTERNAL', message, options);
  }
}

/** True when the error (or any cause) is an abort triggered by a signal. */
export function isAbort(err: unknown): boolean {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof InterruptedError) return true;
    if (e instanceof Error && e.name === 'AbortError') return true;
  }
  return false;
}

/** Throws an InterruptedError when the signal has fired. Call between batches. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError('interrupted', { cause: signal.reason });
}
