// Generates the "rejects at scale" CSV (shared by test/reliability/rejects.test.ts and bench/rejects.mjs).
import { createWriteStream } from 'node:fs';

export const REJECTS_HEADER = 'id,name,amount,day';
const KINDS = ['ragged', 'decimal', 'date', 'rule'];

/** The pipeline that reads it: typed columns, a range rule, a dead letter. */
export function rejectsPipeline(name, input, output, deadLetter) {
  return `version: 1
name: ${name}
extract: { type: csv, path: ${input}, columns: { id: integer, amount: decimal, day: date } }
transform:
  - type: validate
    rules:
      - { range: { column: amount, min: 0 } }
    on_fail: reject
load: { type: ndjson, path: ${output} }
errors: { dead_letter: ${deadLetter} }
`;
}

function line(i, bad, multiline) {
  const name = multiline ? `"customer ${i}\nsecond line, with comma"` : `customer ${i}`;
  switch (bad) {
    case 'ragged': return `${i},${name},${i % 1000}.25`;
    case 'decimal': return `${i},${name},12x.5,2024-01-${String((i % 28) + 1).padStart(2, '0')}`;
    case 'date': return `${i},${name},${i % 1000}.25,2024-13-45`;
    case 'rule': return `${i},${name},-${i % 1000}.25,2024-01-01`;
    default: return `${i},${name},${i % 1000}.25,2024-02-${String((i % 28) + 1).padStart(2, '0')}`;
  }
}

/**
 * Writes `rows` records; `badFraction` of them are bad (cycling ragged / bad decimal / bad date /
 * rule failure), every 37th record has a two-line quoted name, so record != line.
 * Resolves to the expected dead-letter positions (`<display>:<line>` → id) and the good count.
 */
export async function writeRejectsCsv(file, rows, badFraction, display) {
  const every = badFraction > 0 ? Math.round(1 / badFraction) : 0;
  const stream = createWriteStream(file);
  const bad = new Map();
  let lineNo = 1;
  let chunk = [REJECTS_HEADER];
  let badCount = 0;
  for (let i = 1; i <= rows; i++) {
    const multiline = i % 37 === 0;
    const kind = every > 0 && i % every === every >> 1 ? KINDS[badCount++ % KINDS.length] : undefined;
    lineNo++;
    if (kind) bad.set(`${display}:${lineNo}`, { id: i, kind });
    if (multiline) lineNo++;
    chunk.push(line(i, kind, multiline));
    if (chunk.length >= 20_000) {
      if (!stream.write(chunk.join('\n') + '\n')) await new Promise((r) => stream.once('drain', r));
      chunk = [];
    }
  }
  stream.write(chunk.join('\n') + (chunk.length ? '\n' : ''));
  await new Promise((resolve, reject) => stream.end((err) => (err ? reject(err) : resolve())));
  return { bad, good: rows - bad.size };
}
