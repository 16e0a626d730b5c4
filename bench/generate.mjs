// Deterministic benchmark data: N rows, 10 columns, ~5% of notes with a comma, an embedded
// quote or a newline. Writes CSV, NDJSON and XML with identical content.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { seededRandom } from '../test/helpers/random.mjs';


const FIRST = ['ada', 'grace', 'alan', 'edsger', 'barbara', 'donald', 'margaret', 'ken', 'frances', 'tim'];
const LAST = ['lovelace', 'hopper', 'turing', 'dijkstra', 'liskov', 'knuth', 'hamilton', 'thompson', 'allen', 'lee'];
const STATUS = ['paid', 'shipped', 'void', 'refund', 'pending'];
const COUNTRY = ['US', 'GB', 'DE', 'FR', 'NL', 'FI', 'SE', 'ES', 'IT', 'PL', 'JP', 'BR', 'IN', 'CA', 'AU'];
const WORDS = ['fast', 'late', 'gift', 'fragile', 'express', 'repeat', 'bulk', 'sample'];

export function makeRow(rand, id) {
  const hex = () => Math.floor(rand() * 0x100000000).toString(16).padStart(8, '0');
  const first = FIRST[Math.floor(rand() * FIRST.length)];
  const last = LAST[Math.floor(rand() * LAST.length)];
  const words = [];
  const n = Math.floor(rand() * 8);
  for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(rand() * WORDS.length)]);
  let note = words.join(' ');
  const special = rand();
  if (special < 0.02) note += ', with a comma';
  else if (special < 0.035) note += ' said "hi"';
  else if (special < 0.05) note += '\nsecond line';
  const ts = new Date(Date.UTC(2024, 0, 1) + Math.floor(rand() * 365 * 86400) * 1000);
  return {
    id,
    uuid: `${hex()}-${hex().slice(0, 4)}-${hex().slice(0, 4)}-${hex().slice(0, 4)}-${hex()}${hex().slice(0, 4)}`,
    name: `${first} ${last}`,
    email: `${first}.${last}${id}@example.com`,
    amount: (Math.floor(rand() * 100000) / 100).toFixed(2),
    qty: 1 + Math.floor(rand() * 20),
    created_at: ts.toISOString().replace('.000Z', 'Z'),
    status: STATUS[Math.floor(rand() * STATUS.length)],
    country: COUNTRY[Math.floor(rand() * COUNTRY.length)],
    note,
  };
}

const COLS = ['id', 'uuid', 'name', 'email', 'amount', 'qty', 'created_at', 'status', 'country', 'note'];
const csvField = (v) => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};
const xmlText = (v) => String(v).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

async function writeAll(path, rows, header, toLine, footer) {
  const out = createWriteStream(path);
  if (header) out.write(header);
  let buf = '';
  for (let id = 1; id <= rows; id++) {
    buf += toLine(id);
    if (buf.length > 1 << 16) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.write(buf + (footer ?? ''));
  out.end();
  await once(out, 'finish');
}

export async function generate(dir, rows, formats = ['csv', 'ndjson', 'xml']) {
  const rowsFor = () => {
    const rand = seededRandom(42);
    return (id) => makeRow(rand, id);
  };
  if (formats.includes('csv')) {
    const next = rowsFor();
    await writeAll(`${dir}/data.csv`, rows, COLS.join(',') + '\n', (id) => {
      const r = next(id);
      return COLS.map((c) => csvField(r[c])).join(',') + '\n';
    });
  }
  if (formats.includes('ndjson')) {
    const next = rowsFor();
    await writeAll(`${dir}/data.ndjson`, rows, '', (id) => JSON.stringify(next(id)) + '\n');
  }
  if (formats.includes('xml')) {
    const next = rowsFor();
    await writeAll(`${dir}/data.xml`, rows, '<?xml version="1.0" encoding="UTF-8"?>\n<orders>\n', (id) => {
      const r = next(id);
      return `<order id="${r.id}">${COLS.slice(1).map((c) => `<${c}>${xmlText(r[c])}</${c}>`).join('')}</order>\n`;
    }, '</orders>\n');
  }
}
