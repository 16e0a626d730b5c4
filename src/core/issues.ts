/** A validation finding with where it is. Validation collects all of them, never stops at one. */
export interface Location {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface Issue {
  readonly severity: 'error' | 'warning';
  /** stable code, e.g. 'E_SCHEMA', 'E_UNKNOWN_KEY', 'E_CONNECTION_MISSING'. */
  readonly code: string;
  readonly message: string;
  /** JSON pointer into the pipeline document ('/load/mode'). */
  readonly path: string;
  readonly location?: Location;
  readonly hint?: string;
}

export function formatLocation(loc: Location | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.col}` : '';
}
