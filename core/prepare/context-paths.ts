import { existsSync } from 'node:fs';
import { posix } from 'node:path';
import type { Dockerfile, Instruction } from '../adapt/dockerfile';

interface Copy {
  sources: string[];
  dest: string;
}

/**
 * The context file that ends up at `file` for a RUN at `line` (e.g. `pip install -r
 * requirements.txt` after `WORKDIR /app` and `COPY . .` → `requirements.txt`), following the
 * stage's WORKDIR and COPY/ADD instructions. Null when it does not come from the context.
 */
export function contextPathOf(
  dockerfile: Dockerfile,
  line: number,
  file: string,
  contextDir: string,
): string | null {
  const stage = stageBefore(dockerfile.instructions, line);
  let workdir = '/';
  const copies: Array<Copy & { workdir: string }> = [];
  for (const instruction of stage) {
    if (instruction.keyword === 'WORKDIR') workdir = posix.resolve(workdir, unquote(instruction.args.trim()));
    if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') {
      const copy = parseCopy(instruction);
      if (copy) copies.push({ ...copy, workdir });
    }
  }
  const wanted = posix.resolve(workdir, file);
  for (const copy of [...copies].reverse()) {
    const dest = posix.resolve(copy.workdir, copy.dest);
    for (const source of copy.sources) {
      const src = posix
        .normalize(source)
        .replace(/^\.\/?/, '')
        .replace(/\/$/, '');
      const candidates = [
        // A folder's contents copied into dest.
        wanted.startsWith(`${dest}/`) ? posix.join(src, wanted.slice(dest.length + 1)) : null,
        // One file copied into a folder, or onto a name.
        wanted === posix.join(dest, posix.basename(src)) || wanted === dest ? src : null,
      ];
      for (const candidate of candidates) {
        if (candidate !== null && candidate !== '' && existsSync(posix.join(contextDir, candidate)))
          return candidate;
      }
    }
  }
  const direct = file.replace(/^\.\//, '');
  return !posix.isAbsolute(file) && existsSync(posix.join(contextDir, direct)) ? direct : null;
}

/** The instructions of the stage `line` is in, up to that line. */
function stageBefore(instructions: Instruction[], line: number): Instruction[] {
  let start = 0;
  instructions.forEach((instruction, i) => {
    if (instruction.keyword === 'FROM' && instruction.line <= line) start = i;
  });
  return instructions.slice(start).filter((instruction) => instruction.line < line);
}

/** `COPY [--chown=x] a b dest` or `COPY ["a", "dest"]`; copies from another stage are not the context's. */
function parseCopy(instruction: Instruction): Copy | null {
  if (instruction.flags.some((flag) => /^--from\b/.test(flag))) return null;
  const words = instruction.json ?? instruction.args.trim().split(/\s+/);
  const rest = words.filter((w) => !w.startsWith('--'));
  if (rest.length < 2) return null;
  return { sources: rest.slice(0, -1), dest: rest.at(-1)! };
}

const unquote = (text: string): string => text.replace(/^["']|["']$/g, '');
