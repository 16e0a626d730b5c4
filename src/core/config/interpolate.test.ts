import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipelineText } from './index.js';
import { testRegistry } from './fixture-registry.test.js';

const registry = testRegistry();

function pipeline(extra: string, load = 'load: { type: csv, path: out.csv }'): string {
  return `version: 1\nname: p\n${extra}\n${load}\n`;
}

describe('interpolation', () => {
  it('resolves env, env default, file, var and the $${ escape', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etl-interp-'));
    writeFileSync(join(dir, 'pw.txt'), 's3cr3t-from-file\n');
    const text = `version: 1
name: p
vars: { table: orders, region: eu }
connections:
  wh: { type: postgres, url: "postgres://\${env:PGHOST}/db", password: "\${file:pw.txt}" }
extract:
  type: postgres
  connection: wh
  query: "SELECT '$\${literal}' AS x FROM \${var:table}_\${var:region} WHERE h = '\${env:MISSING:-fallback}'"
load: { type: csv, path: "out-\${var:region}.csv" }
`;
    const r = await loadPipelineText(text, join(dir, 'p.yml'), { registry, environment: { PGHOST: 'db.internal' }, vars: { region: 'us' } });
    expect(r.issues).toEqual([]);
    const plan = r.plan!;
    expect(plan.connections['wh']?.options['url']).toBe('postgres://db.internal/db');
    expect(plan.connections['wh']?.options['password']).toBe('s3cr3t-from-file');
    expect(plan.extract.options['query']).toBe("SELECT '${literal}' AS x FROM orders_us WHERE h = 'fallback'");
    expect(plan.loads[0]?.options['path']).toBe('out-us.csv');
    expect(plan.vars).toEqual({ table: 'orders', region: 'us' });
    // env values and file contents are secrets; defaults written in the file are not
    expect(r.secrets.redact('db.internal s3cr3t-from-file fallback')).toBe('*** *** fallback');
  });

  it('reports unknown vars, unset env and unreadable files at the reference, without values', async () => {
    const text = `version: 1
name: p
extract: { type: csv, path: "in-\${var:regoin}.csv" }
load:
  type: csv
  path: "\${env:OUT_PATH}"
connections:
  c: { type: sqlite, path: "\${file:missing.txt}" }
vars: { region: eu }
`;
    const r = await loadPipelineText(text, '/nowhere/p.yml', { registry, environment: { OTHER: 'value-not-shown' } });
    expect(r.plan).toBeUndefined();
    const got = r.issues.map((i) => [i.code, `${i.location?.line}:${i.location?.col}`, i.message, i.hint]);
    expect(got).toEqual([
      ['E_UNKNOWN_VAR', '3:33', 'unknown variable `regoin`, did you mean `region`?', 'define it under `vars:` or pass --var regoin=VALUE'],
      ['E_ENV_UNSET', '6:10', 'environment variable `OUT_PATH` is not set', 'set it (export OUT_PATH=…) or give a default: ${env:OUT_PATH:-value}'],
      ['E_FILE_REF', '8:29', 'cannot read `${file:missing.txt}`: no such file', 'check the path; relative paths are resolved against /nowhere'],
    ]);
    expect(JSON.stringify(r.issues)).not.toContain('value-not-shown');
  });

  it('lets --var override a file var whose own value would fail', async () => {
    const text = pipeline('vars: { src: "${env:NOT_SET}" }\nextract: { type: csv, path: "${var:src}" }');
    const r = await loadPipelineText(text, '/p/p.yml', { registry, environment: {}, vars: { src: 'cli.csv' } });
    expect(r.issues).toEqual([]);
    expect(r.plan?.extract.options['path']).toBe('cli.csv');
  });

  it('reads env only from options.environment, never process.env', async () => {
    process.env['ETL_TEST_ONLY_IN_PROCESS'] = 'x';
    const r = await loadPipelineText(pipeline('extract: { type: csv, path: "${env:ETL_TEST_ONLY_IN_PROCESS}" }'), '/p/p.yml', { registry, environment: {} });
    delete process.env['ETL_TEST_ONLY_IN_PROCESS'];
    expect(r.issues.map((i) => i.code)).toEqual(['E_ENV_UNSET']);
  });

  it('turns a whole plain reference into a number where the schema wants one', async () => {
    const text = pipeline('extract:\n  type: csv\n  path: a.csv\n  batch_size: ${var:n}', 'load: { type: csv, path: "${var:n}" }');
    const r = await loadPipelineText(text, '/p/p.yml', { registry, environment: {}, vars: { n: '500' } });
    expect(r.issues).toEqual([]);
    expect(r.plan?.extract.batch_size).toBe(500);
    expect(r.plan?.loads[0]?.options['path']).toBe('500');
  });

  it('registers secret-named keys and URL passwords as secrets', async () => {
    const text = pipeline('connections:\n  c: { type: postgres, url: "postgres://u:p%40ss-in-url@h/db", password: plain-pw-123 }\nextract: { type: csv, path: a.csv }');
    const r = await loadPipelineText(text, '/p/p.yml', { registry, environment: {} });
    expect(r.issues).toEqual([]);
    expect(r.secrets.redact('plain-pw-123 p@ss-in-url p%40ss-in-url')).toBe('*** *** ***');
    // the fixture's postgres `url` is marked x-secret: the whole URL is a secret
    expect(r.secrets.redact('postgres://u:p%40ss-in-url@h/db')).toBe('***');
  });

  it('flags unknown reference kinds and unterminated references', async () => {
    const r = await loadPipelineText(pipeline('extract: { type: csv, path: "${evn:X}-${var:oops" }'), '/p/p.yml', { registry, environment: {} });
    expect(r.issues.map((i) => i.message)).toEqual([
      'unknown reference `${evn:…}`, did you mean `env`?',
      'unterminated `${` (missing `}`)',
    ]);
  });
});

describe('missingEnv: warn (validate without secrets)', () => {
  it('keeps the reference, warns, and still compiles', async () => {
    const r = await loadPipelineText(pipeline('extract: { type: csv, path: "${env:IN_PATH}" }'), '/p/p.yml', { registry, environment: {}, missingEnv: 'warn' });
    expect(r.issues.map((i) => [i.severity, i.code])).toEqual([['warning', 'E_ENV_UNSET']]);
    expect(r.plan?.extract.options['path']).toBe('${env:IN_PATH}');
  });
});
