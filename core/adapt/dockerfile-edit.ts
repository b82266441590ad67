import type { Dockerfile, Instruction } from './dockerfile';
import { physicalLines } from './dockerfile-lines';

/**
 * New Dockerfile text: each replaced instruction (by first line) is swapped for the given text
 * (may be several lines; '' deletes it); `insertBefore` adds lines before an instruction; every
 * other byte stays as it was.
 */
export function editDockerfile(
  dockerfile: Dockerfile,
  edits: { replace?: Map<number, string>; insertBefore?: Map<number, string[]> },
): string {
  const lines = physicalLines(dockerfile.text);
  const fileEol = lines.find((line) => line.eol)?.eol ?? '\n';
  const byLine = new Map(dockerfile.instructions.map((instruction) => [instruction.line, instruction]));
  const splices: Array<{ from: number; to: number; text: string }> = [];
  const instructionAt = (line: number): Instruction => {
    const instruction = byLine.get(line);
    if (!instruction) throw new Error(`Dockerfile:${line}: no instruction starts on this line`);
    return instruction;
  };
  for (const [line, added] of edits.insertBefore ?? []) {
    const first = lines[instructionAt(line).line - 1]!;
    const eol = first.eol || fileEol;
    splices.push({ from: first.start, to: first.start, text: added.map((text) => text + eol).join('') });
  }
  for (const [line, text] of edits.replace ?? []) {
    const instruction = instructionAt(line);
    const from = lines[instruction.line - 1]!.start;
    const last = lines[instruction.endLine - 1]!;
    if (text === '') {
      splices.push({ from, to: last.start + last.text.length + last.eol.length, text: '' });
    } else {
      const eol = last.eol || fileEol;
      splices.push({ from, to: last.start + last.text.length, text: text.split(/\r?\n/).join(eol) });
    }
  }
  // Insertions before a replacement at the same offset.
  splices.sort((a, b) => a.from - b.from || a.to - a.from - (b.to - b.from));
  let out = '';
  let at = 0;
  for (const splice of splices) {
    out += dockerfile.text.slice(at, splice.from) + splice.text;
    at = splice.to;
  }
  return out + dockerfile.text.slice(at);
}
