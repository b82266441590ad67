import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem, release } from 'node:os';
import { resolve } from 'node:path';

export const BENCHMARKS_MD = resolve(import.meta.dirname, '../../docs/benchmarks.md');

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Linux ${release()}, Node ${process.version}`;
}

/** Replaces (or appends) the section between `<!-- bench:NAME -->` markers in docs/benchmarks.md. */
export async function writeSection(name: string, markdown: string): Promise<void> {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const doc = await readFile(BENCHMARKS_MD, 'utf8').catch(
    () =>
      "# Benchmarks\n\nWritten by `npm run bench`; each section is replaced by its benchmark's latest run.\n",
  );
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  const updated =
    from !== -1 && to !== -1
      ? doc.slice(0, from) + block + doc.slice(to + end.length)
      : `${doc.trimEnd()}\n\n${block}\n`;
  await writeFile(BENCHMARKS_MD, updated);
}
