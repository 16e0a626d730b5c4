import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A path inside the public conformance corpora (`shared/conformance/…`), which live beside the
 * repository checkout. Throws when they are missing, so the conformance tests fail loudly
 * instead of passing on nothing.
 */
export function conformancePath(...parts: string[]): string {
  const candidates = [resolve(REPO, '..', 'shared', 'conformance', ...parts), resolve('/work/shared/conformance', ...parts)];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`conformance corpus not found: looked for ${candidates.join(' and ')}`);
  return found;
}
