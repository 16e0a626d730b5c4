import type { ConnectorDefinition, LintContext } from '../../connectors/define.js';
import type { Issue } from '../issues.js';
import type { Registry } from '../../registry.js';
import { suggestion } from './did-you-mean.js';
import { pointerJoin, type SourceMap } from './locate.js';
import { incrementalUnsupported } from './schema-issues.js';
import { describeContainer, stageLabel, stageOf } from './where.js';
import { lintStreams, streamLintOptions } from './streams-lint.js';
import { lintDeadLetter } from './dead-letter-lint.js';

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export interface LintInput {
  readonly doc: Obj;
  readonly map: SourceMap;
  readonly registry: Registry;
  /** issues found so far: stages with schema errors only get the reference checks. */
  readonly schemaIssues: readonly Issue[];
}

export function lintContext(map: SourceMap, doc: unknown): LintContext {
  return {
    locate: (path) => map.locate(path),
    locateOffset: (path, offset) => {
      const parts = path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
      let value: unknown = doc;
      for (const part of parts) value = isObject(value) || Array.isArray(value) ? (value as Obj)[part] : undefined;
      return map.locateOffset(path, offset, typeof value === 'string' ? value : undefined);
    },
    issue: (path, code, message, hint) => {
      const location = map.locate(path);
      return { severity: 'error', code, message, path, ...(location ? { location } : {}), ...(hint ? { hint } : {}) };
    },
  };
}

/** Stage pointers in document order: extract, each load. */
function sinkPointers(doc: Obj): string[] {
  if (Array.isArray(doc['load'])) return doc['load'].map((_, i) => pointerJoin('/load', i));
  return isObject(doc['load']) ? ['/load'] : [];
}

function hasErrorsUnder(issues: readonly Issue[], pointer: string): boolean {
  return issues.some((i) => i.severity === 'error' && (i.path === pointer || i.path.startsWith(`${pointer}/`)));
}

/** Pure semantic checks over a (mostly) schema-valid document. Never touches the network. */
export function lintDocument(input: LintInput): Issue[] {
  const { doc, registry } = input;
  const ctx = lintContext(input.map, doc);
  const issues: Issue[] = [];
  const connections = isObject(doc['connections']) ? doc['connections'] : {};
  for (const [name, conn] of Object.entries(connections)) {
    const path = pointerJoin('/connections', name);
    const def = isObject(conn) && typeof conn['type'] === 'string' ? registry.connector(conn['type']) : undefined;
    if (def?.lint && isObject(conn)) {
      issues.push(...runLint(def.name, () => def.lint!({ role: 'connection', options: conn, path }, ctx), ctx, path, input.schemaIssues));
    }
  }
  for (const path of ['/extract', ...sinkPointers(doc)]) {
    issues.push(...lintStage(input, ctx, path, connections));
  }
  issues.push(...lintTransforms(input, ctx));
  issues.push(...lintNestedSources(input, ctx, connections));
  issues.push(...lintPolicies(input, ctx, connections));
  issues.push(...lintStreams(doc, ctx, sinkPointers(doc)));
  // a key the schema already flagged gets no second issue
  const flagged = new Set(input.schemaIssues.filter((i) => i.severity === 'error').map((i) => i.path));
  return issues.filter((i) => !flagged.has(i.path));
}

function lintStage(input: LintInput, ctx: LintContext, path: string, connections: Obj): Issue[] {
  const stage = stageOf(input.doc, path);
  const options = path === '/extract' ? input.doc['extract'] : valueAtStage(input.doc, path);
  if (!stage || !isObject(options) || !stage.type) return [];
  const def = input.registry.connector(stage.type);
  if (!def) return [];
  const issues = connectionChecks(ctx, path, stageLabel(stage), def, options, connections);
  if (stage.kind === 'source' && options['incremental'] !== undefined && !def.source?.capabilities.incremental) {
    issues.push(incrementalUnsupported({ map: input.map, registry: input.registry }, pointerJoin(path, 'incremental'), def.name));
  }
  if (stage.kind === 'sink') issues.push(...sinkChecks(ctx, path, stageLabel(stage), def, options));
  const role = stage.kind === 'source' ? 'source' : 'sink';
  // a streams extract is linted as the `table:` read each stream will be
  const linted = role === 'source' && options['streams'] !== undefined ? streamLintOptions(options) : options;
  return connectorLint(input, ctx, { def, role, options: linted, path, connections }, issues);
}

/** The connector's own lint, after the core's checks (`issues`), which it never repeats. */
function connectorLint(input: LintInput, ctx: LintContext, stage: { def: ConnectorDefinition; role: 'source' | 'sink'; options: Obj; path: string; connections: Obj }, issues: Issue[]): Issue[] {
  const { def, role, options, path, connections } = stage;
  if (!def.lint) return issues;
  const connName = options['connection'];
  const conn = typeof connName === 'string' && isObject(connections[connName]) ? connections[connName] : undefined;
  const own = runLint(def.name, () => def.lint!({ role, options, path, ...(conn ? { connection: conn } : {}) }, ctx), ctx, path, input.schemaIssues);
  // one issue per problem: a connector re-checking what the core checked (upsert key) is dropped
  const taken = new Set(issues.map((i) => i.path));
  return [...issues, ...own.filter((i) => !taken.has(i.path))];
}

function valueAtStage(doc: Obj, path: string): unknown {
  const index = path.split('/')[2];
  return Array.isArray(doc['load']) && index !== undefined ? doc['load'][Number(index)] : doc['load'];
}

function connectionChecks(ctx: LintContext, path: string, label: string, def: ConnectorDefinition, options: Obj, connections: Obj,
  role: 'source' | 'sink' = path === '/extract' ? 'source' : 'sink'): Issue[] {
  const name = options['connection'];
  const at = pointerJoin(path, 'connection');
  if (name === undefined) {
    // a connector whose stage options can say where to connect (sqlite `path`) manages without one
    const connKeys = Object.keys(def.connection?.properties ?? {});
    const own = Object.keys((role === 'source' ? def.source?.options : def.sink?.options)?.properties ?? {});
    if (def.connection && !connKeys.some((k) => own.includes(k))) {
      // with no required connection option the driver may still connect from its own defaults
      const required = (def.connection.required ?? []).length > 0;
      const issue = ctx.issue(path, 'E_CONNECTION_REQUIRED', `${label} has no \`connection:\``,
        `add \`connection: NAME\` and define NAME under \`connections:\` with type: ${def.name}`);
      return [required ? issue : { ...issue, severity: 'warning' }];
    }
    return [];
  }
  if (typeof name !== 'string') return [];
  const conn = connections[name];
  if (conn === undefined) {
    const names = Object.keys(connections);
    return [ctx.issue(at, 'E_CONNECTION_MISSING', `connection \`${name}\` used by ${label} is not defined${suggestion(name, names)}`,
      names.length ? `defined connections: ${names.join(', ')}` : `add it under \`connections:\` with type: ${def.name}`)];
  }
  const type = isObject(conn) ? conn['type'] : undefined;
  if (typeof type === 'string' && type !== def.name) {
    return [ctx.issue(at, 'E_CONNECTION_TYPE', `${label} uses connection \`${name}\` of type ${type}`,
      `use a connection of type ${def.name}, or change the stage's type to ${type}`)];
  }
  return [];
}

function sinkChecks(ctx: LintContext, path: string, label: string, def: ConnectorDefinition, options: Obj): Issue[] {
  const modes = def.sink?.capabilities.modes ?? [];
  const mode = options['mode'];
  const issues: Issue[] = [];
  if (typeof mode === 'string' && !modes.includes(mode as never)) {
    issues.push(ctx.issue(pointerJoin(path, 'mode'), 'E_MODE_UNSUPPORTED', `${label} does not support mode \`${mode}\``,
      `use one of: ${modes.join(', ')}`));
  }
  const key = options['key'];
  if (mode === 'upsert' && (!Array.isArray(key) || key.length === 0)) {
    issues.push(ctx.issue(pointerJoin(path, 'mode'), 'E_UPSERT_KEY', `${label} uses mode \`upsert\` but has no \`key\``,
      'add `key: [id]`: the columns that identify a row'));
  }
  return issues;
}

function lintTransforms(input: LintInput, ctx: LintContext): Issue[] {
  const steps = input.doc['transform'];
  if (!Array.isArray(steps)) return [];
  const issues: Issue[] = [];
  steps.forEach((step, i) => {
    const path = pointerJoin('/transform', i);
    if (!isObject(step) || typeof step['type'] !== 'string') return;
    const def = input.registry.transform(step['type']);
    if (def?.lint) issues.push(...runLint(def.name, () => def.lint!({ options: step, path }, ctx), ctx, path, input.schemaIssues));
  });
  return issues;
}

/** A transform's nested sources (`source_options`, lookup's `from:`): the checks an extract gets. */
function lintNestedSources(input: LintInput, ctx: LintContext, connections: Obj): Issue[] {
  const steps = Array.isArray(input.doc['transform']) ? input.doc['transform'] : [];
  const issues: Issue[] = [];
  steps.forEach((step, i) => {
    if (!isObject(step) || typeof step['type'] !== 'string') return;
    for (const key of input.registry.transform(step['type'])?.source_options ?? []) {
      const options = step[key];
      const def = isObject(options) && typeof options['type'] === 'string' ? input.registry.connector(options['type']) : undefined;
      if (!def?.source || !isObject(options)) continue;
      const path = pointerJoin(pointerJoin('/transform', i), key);
      const checks = connectionChecks(ctx, path, describeContainer(input.doc, path), def, options, connections, 'source');
      issues.push(...connectorLint(input, ctx, { def, role: 'source', options, path, connections }, checks));
    }
  });
  return issues;
}

function lintPolicies(input: LintInput, ctx: LintContext, connections: Obj): Issue[] {
  const issues: Issue[] = [];
  const errors = input.doc['errors'];
  const max = isObject(errors) ? errors['max_rejects'] : undefined;
  if (typeof max === 'string' && /%$/.test(max) && Number.parseFloat(max) > 100) {
    issues.push(ctx.issue('/errors/max_rejects', 'E_RANGE', '`errors.max_rejects` cannot be over 100%', 'use a percentage between 0% and 100%'));
  }
  const retry = input.doc['retry'];
  if (isObject(retry) && typeof retry['initial_secs'] === 'number' && typeof retry['max_secs'] === 'number'
    && retry['initial_secs'] > retry['max_secs']) {
    issues.push(ctx.issue('/retry/max_secs', 'E_RANGE', '`retry.max_secs` is smaller than `retry.initial_secs`', 'raise max_secs or lower initial_secs'));
  }
  const state = input.doc['state'];
  const conn = isObject(state) ? state['connection'] : undefined;
  if (typeof conn === 'string' && connections[conn] === undefined) {
    issues.push(ctx.issue('/state/connection', 'E_CONNECTION_MISSING', `connection \`${conn}\` used by \`state\` is not defined${suggestion(conn, Object.keys(connections))}`));
  }
  if (isObject(state) && state['table'] !== undefined && conn === undefined) {
    issues.push(ctx.issue('/state/table', 'E_STATE_TABLE', '`state.table` needs `state.connection`', 'add `connection: NAME` (a postgres or sqlite connection) next to it, or remove `table`'));
  }
  issues.push(...lintDeadLetter(input.doc, connections, input.registry, ctx));
  return issues;
}

/**
 * A definition's lint must not take validation down with it. It also runs on stages with schema
 * errors (every problem at once): what it says about a key the schema already flagged is dropped,
 * and a crash on such a stage is silent (its options are known to be wrong).
 */
function runLint(name: string, fn: () => readonly Issue[], ctx: LintContext, path: string, known: readonly Issue[]): readonly Issue[] {
  const flagged = new Set(known.filter((i) => i.severity === 'error').map((i) => i.path));
  try {
    return fn()
      .filter((i) => !flagged.has(i.path))
      // an issue built by hand may lack a position: give it the one of its path
      .map((i) => (i.location ? i : { ...i, ...(ctx.locate(i.path) ? { location: ctx.locate(i.path)! } : {}) }));
  } catch (err) {
    if (hasErrorsUnder(known, path)) return [];
    const issue = ctx.issue(path, 'E_LINT_FAILED', `the lint rules of \`${name}\` failed: ${(err as Error).message}`,
      'this is a bug in the connector or transform; report it');
    return [{ ...issue, severity: 'warning' }];
  }
}
