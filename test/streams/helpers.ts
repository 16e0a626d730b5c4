import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { loadPipelineText } from '../../src/core/config/index.js';
import type { Issue } from '../../src/core/issues.js';
import type { Plan } from '../../src/core/plan/types.js';
import type { ConnectorDefinition } from '../../src/connectors/define.js';
import { csv } from '../../src/connectors/csv/index.js';
import { ndjson } from '../../src/connectors/ndjson/index.js';
import { postgres } from '../../src/connectors/postgres/index.js';
import { sqlite } from '../../src/connectors/sqlite/index.js';
import type { Registry } from '../../src/registry.js';

// the connectors these tests use (the built-in list is being extended by others right now)
const connectors = [sqlite, postgres, ndjson, csv] as unknown as ConnectorDefinition[];
export const registry: Registry = {
  connectors,
  transforms: [],
  connector: (name) => connectors.find((c) => c.name === name),
  transform: () => undefined,
};
export const noEvents = (): void => {};

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `etl-${prefix}-`));
}

/** Loads YAML as a pipeline file in `dir`; fails the test on any error issue. */
export async function loadPlan(dir: string, yaml: string, environment: Record<string, string> = {}): Promise<Plan> {
  const file = join(dir, 'pipeline.yml');
  writeFileSync(file, yaml);
  const result = await loadPipelineText(yaml, file, { registry, environment });
  expect(result.issues.filter((i) => i.severity === 'error')).toEqual([]);
  return result.plan!;
}

/** The issues of a pipeline text (valid or not). */
export async function issuesOf(dir: string, yaml: string, environment: Record<string, string> = {}): Promise<readonly Issue[]> {
  return (await loadPipelineText(yaml, join(dir, 'pipeline.yml'), { registry, environment })).issues;
}

export function readNdjson(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function sqliteExec(file: string, sql: string): void {
  const db = new Database(file);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

export function sqliteAll(file: string, sql: string): Record<string, unknown>[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

export function ids(rows: readonly Record<string, unknown>[]): number[] {
  return rows.map((r) => Number(r['id'])).sort((a, b) => a - b);
}
