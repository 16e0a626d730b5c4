import { createWriteStream } from 'node:fs';

/** Writes lines produced by `line(i)` for i in [1, rows] after `header`, in chunks (flat memory). */
export async function writeLines(file: string, header: string | undefined, rows: number, line: (i: number) => string): Promise<void> {
  const stream = createWriteStream(file);
  if (header !== undefined) stream.write(header + '\n');
  const chunk = 20_000;
  for (let start = 1; start <= rows; start += chunk) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(start + chunk, rows + 1); i++) lines.push(line(i));
    if (!stream.write(lines.join('\n') + '\n')) await new Promise<void>((r) => stream.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** id,name,amount CSV with ids [1, rows]. */
export function writeCsv(file: string, rows: number): Promise<void> {
  return writeLines(file, 'id,name,amount', rows, (i) => `${i},customer ${i},${i % 1000}.25`);
}
