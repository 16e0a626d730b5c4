import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, tempDir, write } from '../helpers/cli.js';
import { rejectsPipeline, writeRejectsCsv } from '../helpers/rejects-data.mjs';

/**
 * Rejects at scale (correctness; throughput lives in bench/rejects.mjs): 50k rows with 1% bad
 * (ragged, bad decimal, bad date, rule failure) among multi-line quoted records. Every good row
 * is written, every bad one is in the dead letter once, with its reason and exact file:line.
 */
const ROWS = 50_000;

async function readNdjson(file: string): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const l of rl) if (l) out.push(JSON.parse(l) as Record<string, unknown>);
  return out;
}

describe('rejects at scale (50k rows, 1% bad)', () => {
  let dir: string;
  let expected: Awaited<ReturnType<typeof writeRejectsCsv>>;

  beforeAll(async () => {
    assertBuilt();
    dir = await tempDir('etl-rejects-');
    expected = await writeRejectsCsv(join(dir, 'in.csv'), ROWS, 0.01, 'in.csv');
    await write(dir, 'p.yml', rejectsPipeline('rejects', 'in.csv', 'out.ndjson', 'dead.ndjson'));
  });

  it('loads the 99%, dead-letters the 1% with reasons and correct file:line, loses nothing', async () => {
    const r = await runCli(['run', 'p.yml', '--no-progress'], { cwd: dir, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(expected.bad.size).toBe(ROWS / 100);
    const out = await readNdjson(join(dir, 'out.ndjson'));
    const dead = await readNdjson(join(dir, 'dead.ndjson'));
    expect(out.length).toBe(expected.good);
    expect(dead.length).toBe(expected.bad.size);
    const badIds = new Set([...expected.bad.values()].map((b) => b.id));
    expect(out.some((row) => badIds.has(Number(row['id'])))).toBe(false);
    expect(new Set(out.map((row) => row['id'])).size).toBe(expected.good);
    const seen = new Map(dead.map((d) => [String(d['position']), d]));
    expect([...seen.keys()].sort()).toEqual([...expected.bad.keys()].sort());
    for (const [position, { id, kind }] of expected.bad) {
      const entry = seen.get(position)!;
      expect(entry['reason'], position).toEqual(expect.any(String));
      expect(entry['stage'], position).toMatch(kind === 'rule' ? /validate/ : /extract/);
      const record = entry['record'];
      const recordId = typeof record === 'string' ? Number(record.split(',')[0]) : Number((record as Record<string, unknown>)['id']);
      expect(recordId, position).toBe(id);
    }
  }, 120_000);
});
