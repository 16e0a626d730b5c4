import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, removeTempDirs, cli, tempDir } from './helpers.js';

describe('etl-cli basics (built bin)', () => {
  let dir: string;
  afterAll(removeTempDirs);
  beforeAll(async () => {
    assertBuilt();
    dir = await tempDir();
  });

  it('--help lists the commands, exits 0 and starts fast', async () => {
    const r = await cli(['--help'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    for (const cmd of ['run', 'validate', 'dry-run', 'debug', 'create', 'copy', 'connectors', 'schema', 'state', 'test', 'replay']) {
      expect(r.stdout).toContain(cmd);
    }
    // measured, not strictly asserted at 200 ms: the machine is shared
    expect(r.ms).toBeLessThan(2000);
  });

  it('--version prints the package version', async () => {
    const r = await cli(['--version'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('an unknown command or flag is a usage error: exit 2', async () => {
    const a = await cli(['frobnicate'], { cwd: dir });
    expect(a.code, a.stderr).toBe(2);
    expect(a.stderr).toMatch(/unknown command/);
    const b = await cli(['run', 'x.yml', '--no-such-flag'], { cwd: dir });
    expect(b.code, b.stderr).toBe(2);
    expect(b.stderr).toMatch(/unknown option/);
    const c = await cli(['run'], { cwd: dir });
    expect(c.code, c.stderr).toBe(2);
  });

  it('schema prints the pipeline JSON Schema', async () => {
    const r = await cli(['schema'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const schema = JSON.parse(r.stdout) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['extract', 'load', 'transform', 'errors']));
    expect(schema.required).toContain('extract');
  });

  it('connectors lists connectors (with roles) and transforms', async () => {
    const r = await cli(['connectors'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\s+csv\s+source, sink/m);
    expect(r.stdout).toMatch(/^\s+parquet\s/m);
    expect(r.stdout).toContain('transforms:');
    expect(r.stdout).toMatch(/^\s+filter\s/m);
  });

  it('connectors csv prints its options table from the schema', async () => {
    const r = await cli(['connectors', 'csv'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('source options');
    expect(r.stdout).toContain('sink options');
    expect(r.stdout).toMatch(/key\s+type\s+default\s+required\s+description/);
    expect(r.stdout).toMatch(/^\s+path\s+string\s/m);
    expect(r.stdout).toMatch(/delimiter/);
  });

  it('connectors <transform> prints the transform options; an unknown name exits 2', async () => {
    const f = await cli(['connectors', 'filter'], { cwd: dir });
    expect(f.code, f.stderr).toBe(0);
    expect(f.stdout).toMatch(/^\s+where\s/m);
    const u = await cli(['connectors', 'nope'], { cwd: dir });
    expect(u.code, u.stderr).toBe(2);
    expect(u.stderr).toMatch(/^error: unknown connector or transform "nope"/m);
    expect(u.stderr).toMatch(/hint: known: .*csv/);
  });
});
