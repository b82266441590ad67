import type { Dockerfile, Instruction } from './dockerfile';
import { dockerWords, expandWord } from './dockerfile-words';

export interface Stage {
  /** 0-based, in file order. */
  index: number;
  from: Instruction;
  /** The image word as written (`${BASE_IMAGE}`, `python:3.13`). */
  imageWritten: string;
  /** After substituting the global ARGs. */
  image: string;
  /** `AS name`, lower-cased as Docker compares stage names. */
  alias?: string;
  /** `--platform=…` as written. */
  platform?: string;
  /** Set when the stage starts FROM an earlier stage (by its name or index). */
  parentStage?: number;
}

/**
 * The stages of a Dockerfile. FROM sees only the global ARGs (those before the first FROM) with
 * their defaults, overridden by `buildArgs`, as `docker build --build-arg` does.
 */
export function stagesOf(dockerfile: Dockerfile, buildArgs: Record<string, string> = {}): Stage[] {
  const globals = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instruction of dockerfile.instructions) {
    if (instruction.keyword === 'ARG' && stages.length === 0) {
      for (const { name, value } of argDeclarations(instruction, globals, dockerfile.escape)) {
        const given = Object.hasOwn(buildArgs, name) ? buildArgs[name] : value;
        if (given === undefined) globals.delete(name);
        else globals.set(name, given);
      }
    }
    if (instruction.keyword !== 'FROM') continue;
    const words = dockerWords(instruction.args.slice(instruction.bodyStart), dockerfile.escape);
    const imageWritten = words[0]?.text ?? '';
    const image = expandWord(imageWritten, globals, dockerfile.escape);
    const alias = words[1]?.text.toLowerCase() === 'as' && words[2] ? words[2].text.toLowerCase() : undefined;
    const platform = instruction.flags
      .find((flag) => flag.startsWith('--platform='))
      ?.slice('--platform='.length);
    const parentStage = stages.find(
      (stage) =>
        stage.alias === image.toLowerCase() || (/^\d+$/.test(image) && stage.index === Number(image)),
    )?.index;
    stages.push({
      index: stages.length,
      from: instruction,
      imageWritten,
      image,
      ...(alias !== undefined ? { alias } : {}),
      ...(platform !== undefined ? { platform } : {}),
      ...(parentStage !== undefined ? { parentStage } : {}),
    });
  }
  return stages;
}

/** `ARG A=1 B` → A with its default (expanded from the ARGs before it), B without one. */
function argDeclarations(
  instruction: Instruction,
  before: ReadonlyMap<string, string>,
  escape: string,
): Array<{ name: string; value: string | undefined }> {
  return dockerWords(instruction.args, escape).map(({ text }) => {
    const eq = text.indexOf('=');
    if (eq < 0) return { name: text, value: before.get(text) };
    return { name: text.slice(0, eq), value: expandWord(text.slice(eq + 1), before, escape) };
  });
}
