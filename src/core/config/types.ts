import type { Issue } from '../issues.js';
import type { Plan } from '../plan/types.js';
import type { SecretRegistry } from '../secrets.js';
import type { Registry } from '../../registry.js';

export interface LoadOptions {
  readonly registry: Registry;
  /** --var key=value, over the file's `vars:`. */
  readonly vars?: Readonly<Record<string, string>>;
  /** --env NAME: merges <file>.NAME.yml or the file's `environments: { NAME: … }` block. */
  readonly env?: string;
  /** the process environment for ${env:}; passed in, core never reads process.env itself. */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** base for relative ${file:} paths and the pipeline path; defaults to the file's dir. */
  readonly cwd?: string;
  /**
   * 'warn' turns an unset ${env:NAME} (without default) into a warning and leaves the reference
   * as written, so `validate` can check a file on a machine without the secrets. Never for `run`.
   */
  readonly missingEnv?: 'error' | 'warn';
}

export interface LoadResult {
  /** present only when there is no error issue. */
  readonly plan?: Plan;
  /** every problem found, errors and warnings, each with file:line:col where possible. */
  readonly issues: readonly Issue[];
  /** filled even when invalid, so error output can be redacted. */
  readonly secrets: SecretRegistry;
}
